#!/usr/bin/python3
"""Validate JSON documents against a definition of docs/json-schema.json.

usage: json_schema_check.py SCHEMA DEF FILE [--lines]
  DEF    a name under $defs ("check_result", "wait_event", ...)
  FILE   one JSON document, or with --lines one per non-empty line
Exit 0 when every document is valid, 1 with one line per error otherwise.

A small validator for the JSON Schema keywords docs/json-schema.json uses
(type, enum, const, pattern, minimum, minItems, properties, required,
additionalProperties, items, allOf, anyOf, oneOf, not, $ref): bookworm's
python3-jsonschema would do, but this keeps the test free of a new package.
An unknown keyword is an error, so the schema cannot silently say more than
is checked.
"""
import json
import re
import sys

KNOWN = {"$schema", "$id", "title", "description", "$defs", "type", "enum", "const", "pattern", "minimum",
         "minItems", "properties", "required", "additionalProperties", "items", "allOf", "anyOf", "oneOf", "not",
         "$ref"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class Validator:
    def __init__(self, root):
        self.root = root

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError("only local $ref: " + ref)
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def errors(self, schema, value, path="$"):
        unknown = set(schema) - KNOWN
        if unknown:
            raise ValueError("schema keyword(s) not supported by the checker: %s" % sorted(unknown))
        out = []
        if "$ref" in schema:
            out += self.errors(self.resolve(schema["$ref"]), value, path)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(TYPES[t](value) for t in types):
                return out + ["%s: %r is not of type %s" % (path, value, "|".join(types))]
        if "enum" in schema and value not in schema["enum"]:
            out.append("%s: %r is not one of %s" % (path, value, schema["enum"]))
        if "const" in schema and value != schema["const"]:
            out.append("%s: %r is not %r" % (path, value, schema["const"]))
        if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
            out.append("%s: %r does not match /%s/" % (path, value, schema["pattern"]))
        if "minimum" in schema and TYPES["number"](value) and value < schema["minimum"]:
            out.append("%s: %r < %r" % (path, value, schema["minimum"]))
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                out.append("%s: fewer than %d items" % (path, schema["minItems"]))
            if "items" in schema:
                for i, item in enumerate(value):
                    out += self.errors(schema["items"], item, "%s[%d]" % (path, i))
        if isinstance(value, dict):
            for key in schema.get("required", []):
                if key not in value:
                    out.append("%s: missing key %r" % (path, key))
            props = schema.get("properties", {})
            for key, item in value.items():
                if key in props:
                    out += self.errors(props[key], item, "%s.%s" % (path, key))
                elif schema.get("additionalProperties") is False:
                    out.append("%s: unexpected key %r" % (path, key))
                elif isinstance(schema.get("additionalProperties"), dict):
                    out += self.errors(schema["additionalProperties"], item, "%s.%s" % (path, key))
        for sub in schema.get("allOf", []):
            out += self.errors(sub, value, path)
        if "anyOf" in schema:
            branches = [self.errors(sub, value, path) for sub in schema["anyOf"]]
            if all(branches):
                out.append("%s: matches none of anyOf: %s" % (path, min(branches, key=len)))
        if "oneOf" in schema:
            branches = [self.errors(sub, value, path) for sub in schema["oneOf"]]
            ok = sum(1 for b in branches if not b)
            if ok != 1:
                out.append("%s: matches %d of oneOf (want 1)%s" % (path, ok, ": " + str(min(branches, key=len)) if ok == 0 else ""))
        if "not" in schema and not self.errors(schema["not"], value, path):
            out.append("%s: matches a 'not' schema" % path)
        return out


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = json.load(open(argv[1]))
    definition = root["$defs"][argv[2]]
    text = open(argv[3]).read()
    docs = [line for line in text.splitlines() if line.strip()] if "--lines" in argv[4:] else [text]
    if not docs:
        print("%s: no JSON document" % argv[3])
        return 1
    v = Validator(root)
    bad = 0
    for n, doc in enumerate(docs, 1):
        try:
            value = json.loads(doc)
        except ValueError as e:
            print("%s:%d: not JSON: %s" % (argv[3], n, e))
            bad += 1
            continue
        for e in v.errors(definition, value):
            print("%s:%d: %s: %s" % (argv[3], n, argv[2], e))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
