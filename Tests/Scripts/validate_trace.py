#!/usr/bin/env python3
"""Validates every line of stackcross traces against schema/trace.schema.json (python3-jsonschema).
Usage: validate_trace.py SCHEMA TRACE...   Prints one line per invalid record and exits 1 if any."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
counts = {}
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            counts[record.get("type")] = counts.get(record.get("type"), 0) + 1
            errors = list(validator.iter_errors(record))
            if errors:
                bad += 1
                best = jsonschema.exceptions.best_match(errors)
                print(f"{path}:{n}: {best.message} at {list(best.absolute_path)}")
print("records", json.dumps(counts, sort_keys=True))
sys.exit(1 if bad else 0)
