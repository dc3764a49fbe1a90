import GRDB

/// The tables of the results database and the versioned migrations that create them.
///
/// Each migration has a stable identifier (`v1`, …) recorded by GRDB in `grdb_migrations`; a
/// database is brought up to date when it is opened, and a database written by a newer
/// LesionTrack (one holding a migration this version does not know) is refused. Natural keys
/// (participant, session, lesion ID, visit, path) identify rows, so two databases holding the
/// same results hold the same rows whatever order they were written in; only `runs.id`,
/// `errors.id` and the times differ between runs.
enum ResultsSchema {
    /// The migrations in order. Append new ones; never edit a published one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: version1)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: version2)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: version3)
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: version4)
        }
        migrator.registerMigration("v5") { db in
            try db.execute(sql: version5)
        }
        return migrator
    }

    /// The identifiers of every migration this version knows, in order.
    static let knownMigrations = ["v1", "v2", "v3", "v4", "v5"]

    /// What each visit's series could show: the share of the baseline's brain inside the T2 and
    /// Gd series' fields of view and the coarsest voxel of each, mm (the limits under which the
    /// review reads a count as a lower bound). Rows written before v5 hold NULL there until
    /// their participant is run again.
    private static let version5 = """
        ALTER TABLE visits ADD COLUMN t2_field_coverage REAL;
        ALTER TABLE visits ADD COLUMN t2_voxel_mm REAL;
        ALTER TABLE visits ADD COLUMN gd_field_coverage REAL;
        ALTER TABLE visits ADD COLUMN gd_voxel_mm REAL;
        """

    /// The registrations that placed a participant's images on the baseline grid: the moving and
    /// fixed images (paths relative to the study), whether the stored transform was reused, and
    /// the quality figures as a JSON object (`correlation_after`, the mirror check, the seconds
    /// elastix took, …), as the `registrations` array of the participant's JSON holds them. The
    /// transforms themselves are the `…_xfm.txt` files under the output folder.
    private static let version4 = """
        CREATE TABLE registrations (
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            moving TEXT NOT NULL,
            fixed TEXT NOT NULL,
            reused INTEGER NOT NULL,
            figures TEXT NOT NULL,
            PRIMARY KEY (participant_id, moving, fixed)
        );
        """

    /// Counting as a reader counts, and urgency as its own column: per visit, the recurrent and
    /// confluent lesions and the merged, split and recurrent lesions counted as activity; per
    /// ledger row, its confluent mark, whether it counts as activity, its largest region of new
    /// voxels and, when recurrent, the visits it was absent; per classification, 1 when the visit
    /// (or the participant, on the row without a session) needs urgent review. Rows written before
    /// v3 hold NULL (urgency 0) there until their participant is run again; the input key holds
    /// the matching parameters and the classifier's identity, so the next run redoes them.
    private static let version3 = """
        ALTER TABLE visits ADD COLUMN recurrent_t2 INTEGER;
        ALTER TABLE visits ADD COLUMN confluent_t2 INTEGER;
        ALTER TABLE visits ADD COLUMN active_merged_split_t2 INTEGER;
        ALTER TABLE visits ADD COLUMN active_recurrent_t2 INTEGER;
        ALTER TABLE ledger ADD COLUMN confluent INTEGER;
        ALTER TABLE ledger ADD COLUMN active INTEGER;
        ALTER TABLE ledger ADD COLUMN largest_added_region_mm3 REAL;
        ALTER TABLE ledger ADD COLUMN absent_visits INTEGER;
        ALTER TABLE classifications ADD COLUMN urgent_review INTEGER NOT NULL DEFAULT 0;
        """

    /// The review's time windows (rebound, PML-IRIS, …) dated for each participant: one row per
    /// rule, hypothesis and therapy event. Participants classified before v2 have none until
    /// they are run again (the classifier's identity changed with it, so the next run redoes them).
    private static let version2 = """
        CREATE TABLE review_windows (
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            hypothesis TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            features TEXT NOT NULL,
            event TEXT NOT NULL,
            event_date TEXT NOT NULL,
            from_days REAL NOT NULL,
            to_days REAL NOT NULL,
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL,
            PRIMARY KEY (participant_id, hypothesis, rule_id, event)
        );
        """

    private static let version1 = """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            bids_dir TEXT,
            pipeline_file TEXT,
            pipeline_sha256 TEXT,
            pipeline_name TEXT,
            parameters TEXT,
            participant_labels TEXT,
            shard TEXT,
            jobs INTEGER,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            participants_processed INTEGER,
            participants_unchanged INTEGER,
            scans_read INTEGER,
            errors INTEGER
        );
        CREATE TABLE patients (
            participant_id TEXT PRIMARY KEY,
            run_id INTEGER REFERENCES runs(id),
            input_key TEXT NOT NULL,
            status TEXT NOT NULL,
            sessions_found INTEGER NOT NULL,
            sessions_used INTEGER NOT NULL,
            visit_order TEXT,
            reference_file TEXT,
            reference_grid TEXT,
            pipeline_file TEXT NOT NULL,
            pipeline_sha256 TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            processed_at TEXT NOT NULL,
            seconds REAL NOT NULL
        );
        CREATE TABLE scans (
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            session_id TEXT NOT NULL,
            path TEXT NOT NULL,
            role TEXT,
            sha256 TEXT,
            size_bytes INTEGER,
            nifti_version INTEGER,
            dims TEXT,
            datatype TEXT,
            voxel_size_mm TEXT,
            orientation_source TEXT,
            affine TEXT,
            grid TEXT,
            PRIMARY KEY (participant_id, path)
        );
        CREATE TABLE visits (
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            visit INTEGER NOT NULL,
            session_id TEXT NOT NULL,
            acq_time TEXT,
            grid TEXT NOT NULL,
            resampled INTEGER NOT NULL,
            t2_lesions INTEGER NOT NULL,
            t2_volume_mm3 REAL NOT NULL,
            new_t2 INTEGER,
            enlarging_t2 INTEGER,
            new_or_enlarging_t2 INTEGER,
            stable_t2 INTEGER,
            shrinking_t2 INTEGER,
            merged_t2 INTEGER,
            split_t2 INTEGER,
            resolved_t2 INTEGER,
            absorbed_t2 INTEGER,
            gd_lesions INTEGER,
            enhancing_t2 INTEGER,
            t2_file TEXT NOT NULL,
            gd_file TEXT,
            brain_mask_file TEXT,
            brain_mask_dice REAL,
            PRIMARY KEY (participant_id, visit)
        );
        CREATE TABLE lesions (
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            lesion_id INTEGER NOT NULL,
            first_visit INTEGER NOT NULL,
            first_session_id TEXT NOT NULL,
            last_visit INTEGER NOT NULL,
            end_state TEXT,
            split_from INTEGER,
            largest_volume_mm3 REAL NOT NULL,
            PRIMARY KEY (participant_id, lesion_id)
        );
        CREATE TABLE ledger (
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            lesion_id INTEGER NOT NULL,
            visit INTEGER NOT NULL,
            session_id TEXT NOT NULL,
            state TEXT NOT NULL,
            label INTEGER,
            voxels INTEGER NOT NULL,
            volume_mm3 REAL NOT NULL,
            previous_volume_mm3 REAL,
            volume_ratio REAL,
            previous_ids TEXT NOT NULL,
            merged_into TEXT NOT NULL,
            split_from INTEGER,
            enhancing INTEGER,
            centroid_x_mm REAL,
            centroid_y_mm REAL,
            centroid_z_mm REAL,
            largest_extent_mm REAL,
            PRIMARY KEY (participant_id, lesion_id, visit)
        );
        CREATE TABLE gd_lesions (
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            visit INTEGER NOT NULL,
            session_id TEXT NOT NULL,
            label INTEGER NOT NULL,
            voxels INTEGER NOT NULL,
            volume_mm3 REAL NOT NULL,
            centroid_x_mm REAL NOT NULL,
            centroid_y_mm REAL NOT NULL,
            centroid_z_mm REAL NOT NULL,
            largest_extent_mm REAL NOT NULL,
            PRIMARY KEY (participant_id, visit, label)
        );
        CREATE TABLE classifications (
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            session_id TEXT,
            class TEXT NOT NULL,
            scores TEXT NOT NULL,
            reasons TEXT NOT NULL,
            missing_data TEXT NOT NULL,
            rules_file TEXT NOT NULL,
            rules_sha256 TEXT NOT NULL,
            decision_support TEXT NOT NULL
        );
        CREATE UNIQUE INDEX classifications_key ON classifications (participant_id, COALESCE(session_id, ''));
        CREATE TABLE errors (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER REFERENCES runs(id),
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            session_id TEXT,
            file TEXT NOT NULL,
            stage TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX errors_participant ON errors (participant_id);
        CREATE TABLE outputs (
            path TEXT PRIMARY KEY,
            participant_id TEXT NOT NULL REFERENCES patients(participant_id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            sha256 TEXT NOT NULL
        );
        CREATE INDEX outputs_participant ON outputs (participant_id);
        """
}
