#!/usr/bin/env python3
"""Test helper: decodes OTLP trace requests with the OFFICIAL definitions (PyPI opentelemetry-proto)
and writes one JSON line per span for the Swift test to compare with the trace.

  otlp_tool.py decode FILE.pb OUT.jsonl        a file written by `report --format otlp`
  otlp_tool.py serve PORTFILE MODE OUT.jsonl   an OTLP/HTTP receiver on 127.0.0.1 (port written to PORTFILE)
     MODE: ok | 503then200 | slow:SECONDS ; each request is logged to OUT.jsonl.requests
"""
import json, signal, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

def value(v):
    k = v.WhichOneof("value")
    if k == "array_value":
        return [value(x) for x in v.array_value.values]
    if k == "bytes_value":
        return {"bytes": v.bytes_value.hex()}
    return getattr(v, k) if k else None

def attrs(kvs):
    return {kv.key: value(kv.value) for kv in kvs}

def spans(req):
    for rs in req.resource_spans:
        res = attrs(rs.resource.attributes)
        for ss in rs.scope_spans:
            for s in ss.spans:
                yield {
                    "resource": res, "scope": ss.scope.name,
                    "trace_id": s.trace_id.hex(), "span_id": s.span_id.hex(), "parent": s.parent_span_id.hex(),
                    "name": s.name, "kind": s.kind, "start": s.start_time_unix_nano, "end": s.end_time_unix_nano,
                    "status_code": s.status.code, "status_message": s.status.message,
                    "attributes": attrs(s.attributes),
                    "events": [{"name": e.name, "time": e.time_unix_nano, "attributes": attrs(e.attributes)} for e in s.events],
                    "dropped_events": s.dropped_events_count,
                    "links": [{"trace_id": l.trace_id.hex(), "span_id": l.span_id.hex(), "attributes": attrs(l.attributes)} for l in s.links],
                }

def decode(path, out):
    req = trace_service_pb2.ExportTraceServiceRequest()
    with open(path, "rb") as f:
        req.ParseFromString(f.read())
    with open(out, "w") as o:
        for s in spans(req):
            o.write(json.dumps(s) + "\n")

def serve(portfile, mode, out):
    signal.alarm(300)  # never outlive a forgotten test
    state = {"n": 0}
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass
        def do_POST(self):
            state["n"] += 1
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ok = True
            if mode == "503then200" and state["n"] == 1:
                ok = False
            if mode.startswith("slow:"):
                time.sleep(float(mode[5:]))
            with open(out + ".requests", "a") as o:
                o.write(json.dumps({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                    "bytes": len(body), "answered": 200 if ok else 503}) + "\n")
            if not ok:
                self.send_response(503)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            req = trace_service_pb2.ExportTraceServiceRequest()
            req.ParseFromString(body)
            with open(out, "a") as o:
                for s in spans(req):
                    o.write(json.dumps(s) + "\n")
            resp = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(resp)))
            self.end_headers()
            self.wfile.write(resp)
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()

if __name__ == "__main__":
    if sys.argv[1] == "decode":
        decode(sys.argv[2], sys.argv[3])
    else:
        serve(sys.argv[2], sys.argv[3], sys.argv[4])
