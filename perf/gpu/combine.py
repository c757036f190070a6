"""Gathers the raw files of one perf/gpu run into one JSON object (stdout): every file as parsed
JSON (or text when it is not JSON), keyed by its name, plus the device and the date."""
import json, pathlib, sys

raw, name, date = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
result = {"device": name, "date": date, "source": "perf/gpu/run.sh device"}
for path in sorted(raw.iterdir()):
    text = path.read_text()
    try:
        result[path.stem] = json.loads(text)
    except ValueError:
        result[path.stem] = text.strip()
print(json.dumps(result, indent=1))
