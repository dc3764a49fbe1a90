#!/usr/bin/env python3
"""Writes the raw example study: two patients with three visits of raw-looking FLAIR, T1w and
post-contrast T1w, and the clinical tables a review needs.

    python3 Fixtures/make_raw_example.py OUT --template DIR

The scans come from Fixtures/generate_raw.py (seed 7, --size small: 2 mm subject grids, a random
head pose per visit and per series, bias field, Rician noise, enhancing dura, choroid plexus and
vessels, FLAIR-bright cortex and ependyma; its truth goes to OUT/derivatives/truth). The clinical
columns are this example's own story, dated from each session's acq_time:

- sub-raw01 stopped natalizumab after 40 infusions, 10 weeks before its second scan, and is
  anti-JCV negative (index 0.15): new activity after the stop is reviewed as rebound or
  reactivation, with PML closed by the gate's own conditions.
- sub-raw02 is still on natalizumab (last infusion 3 weeks before each scan, 30 infusions and
  more) with an anti-JCV index of 1.9 and no CSF test: any new activity keeps PML open, so the
  review holds it at suspected PML-IRIS or indeterminate with urgent review.

Idempotent: an existing complete OUT is left as it is (the generator is deterministic).
"""

import argparse
import datetime
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PATIENTS = 2
VISITS = 3
SEED = 7


def day(text, offset_days):
    return (datetime.date.fromisoformat(text[:10]) + datetime.timedelta(days=offset_days)).isoformat()


def read_sessions(path):
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]


def write_table(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\t".join(header) + "\n")
        for row in rows:
            f.write("\t".join(row[column] for column in header) + "\n")
    os.replace(tmp, path)


def clinical(participant, sessions):
    first = sessions[0]["acq_time"]
    rows = []
    for n, session in enumerate(sessions):
        row = {"session_id": session["session_id"], "acq_time": session["acq_time"]}
        if participant == "sub-raw01":
            # Stopped 10 weeks before the second scan.
            stop = day(sessions[1]["acq_time"], -70)
            row.update(
                ntz_last_infusion=day(first, -21) if n == 0 else stop,
                ntz_infusion_count="39" if n == 0 else "40",
                jcv_index="0.15",
                csf_jcv_pcr="not_done",
                prior_immunosuppressant="no",
            )
        else:
            row.update(
                ntz_last_infusion=day(session["acq_time"], -21),
                ntz_infusion_count=str(30 + 4 * n),
                jcv_index="1.9",
                csf_jcv_pcr="not_done",
                prior_immunosuppressant="no",
            )
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--template", required=True)
    args = parser.parse_args()
    done = os.path.join(args.out, ".complete")
    if os.path.exists(done):
        print(f"{args.out}: the raw example study is already there")
        return
    subprocess.run(
        [sys.executable, os.path.join(HERE, "generate_raw.py"), args.out, "--template", args.template,
         "--seed", str(SEED), "--size", "small", "--patients", str(PATIENTS), "--visits", str(VISITS)],
        check=True)
    participants = [f"sub-raw{n:02d}" for n in range(1, PATIENTS + 1)]
    header = ["session_id", "acq_time", "ntz_last_infusion", "ntz_infusion_count", "jcv_index", "csf_jcv_pcr",
              "prior_immunosuppressant"]
    for participant in participants:
        path = os.path.join(args.out, participant, f"{participant}_sessions.tsv")
        write_table(path, header, clinical(participant, read_sessions(path)))
    write_table(
        os.path.join(args.out, "participants.tsv"),
        ["participant_id", "age", "sex", "pre_ntz_gd_count", "pre_ntz_t2_new_count"],
        [
            {"participant_id": "sub-raw01", "age": "36", "sex": "F", "pre_ntz_gd_count": "2", "pre_ntz_t2_new_count": "3"},
            {"participant_id": "sub-raw02", "age": "44", "sex": "M", "pre_ntz_gd_count": "1", "pre_ntz_t2_new_count": "2"},
        ],
    )
    with open(done, "w") as f:
        f.write("seed 7, 2 patients, 3 visits, --size small\n")
    print(f"{args.out}: raw example study written (2 patients, 3 visits each)")


if __name__ == "__main__":
    main()
