extension PatientFolder {
    /// The same folder with each session replaced by `transform`'s result, or left out when it
    /// returns nil; the order is kept.
    public func withSessions(_ transform: (Session) -> Session?) -> PatientFolder {
        PatientFolder(
            studyRoot: studyRoot, subjectFolder: subjectFolder, participantID: participantID,
            sessions: sessions.compactMap(transform), sessionOrder: sessionOrder, sessionsTable: sessionsTable)
    }
}
