#!/usr/bin/python3
"""Baseline for bench/run_bench.py: a read-only Python `requests` script that reads what
`sps-apply plan` reads, and nothing more (no YAML, no validation, no diff).

Logs in (GET /api/authentication with HTTP Basic, keeps the session_id cookie), GETs every
path named in PATHS_FILE (one per line) and parses each answer as JSON, then logs out
(DELETE /api/authentication), as sps-apply does. With --threads N the GETs run on N threads,
each with its own requests.Session carrying the cookie.

Usage: baseline_read.py URL CA_FILE PATHS_FILE [--threads N]   (SPS_USERNAME, SPS_PASSWORD)
"""
import argparse
import concurrent.futures
import os
import threading

import requests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("ca")
    ap.add_argument("paths")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    with open(a.paths) as f:
        paths = [line.strip() for line in f if line.strip()]
    login = requests.Session()
    login.verify = a.ca
    # verify= on every request: REQUESTS_CA_BUNDLE in the environment would win over Session.verify.
    r = login.get(a.url + "/api/authentication", auth=(os.environ["SPS_USERNAME"], os.environ["SPS_PASSWORD"]),
                  verify=a.ca)
    r.raise_for_status()
    cookies = login.cookies.get_dict()
    local = threading.local()

    def get(path):
        s = getattr(local, "session", None)
        if s is None:
            s = local.session = requests.Session()
            s.verify = a.ca
            s.cookies.update(cookies)
        answer = s.get(a.url + path, verify=a.ca)
        answer.raise_for_status()
        return answer.json()

    if a.threads > 1:
        with concurrent.futures.ThreadPoolExecutor(a.threads) as pool:
            documents = list(pool.map(get, paths))
    else:
        local.session = login
        documents = [get(p) for p in paths]
    assert len(documents) == len(paths)
    login.delete(a.url + "/api/authentication", verify=a.ca)


if __name__ == "__main__":
    main()
