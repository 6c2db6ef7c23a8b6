#!/usr/bin/env python3
"""Test helper: decodes a `report --format perfetto` file with the OFFICIAL definitions
(perfetto_trace_pb2 from the PyPI `perfetto` package), resolving interned data the way trace
processor does (per sequence, dropped on SEQ_INCREMENTAL_STATE_CLEARED), and writes JSON lines:
  {"kind":"slice", tid, pid, name, ts, dur, categories, annotations, callstack:[outermost first]}
  {"kind":"instant", tid, pid, name, ts, annotations, flow_ids, terminating_flow_ids}
  {"kind":"process"|"thread", ...descriptor}
  {"kind":"summary", packets, first_flags, cleared, errors:[...]}
  perfetto_tool.py FILE OUT.jsonl
"""
import json, sys
from perfetto.protos.perfetto.trace import perfetto_trace_pb2 as pb

CLEARED = pb.TracePacket.SEQ_INCREMENTAL_STATE_CLEARED
NEEDS = pb.TracePacket.SEQ_NEEDS_INCREMENTAL_STATE

def ann(a):
    k = a.WhichOneof("value")
    if k:
        return getattr(a, k)
    return [ann(x) for x in a.array_values]

def main(path, out):
    t = pb.Trace()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    errors = []
    tracks = {}
    state = None
    open_slices = {}
    lines = []
    cleared = 0
    for i, p in enumerate(t.packet):
        if p.trusted_packet_sequence_id != 1:
            errors.append("packet %d: sequence id %d" % (i, p.trusted_packet_sequence_id))
        if p.sequence_flags & CLEARED:
            cleared += 1
            state = {"names": {}, "funcs": {}, "frames": {}, "stacks": {}, "maps": {}, "paths": {}}
        if p.HasField("interned_data"):
            if state is None:
                errors.append("packet %d: interned data before SEQ_INCREMENTAL_STATE_CLEARED" % i)
                continue
            d = p.interned_data
            for e in d.event_names: state["names"][e.iid] = e.name
            for e in d.function_names: state["funcs"][e.iid] = e.str.decode("utf-8", "replace")
            for e in d.mapping_paths: state["paths"][e.iid] = e.str.decode("utf-8", "replace")
            for e in d.mappings: state["maps"][e.iid] = [state["paths"].get(x) for x in e.path_string_ids]
            for e in d.frames: state["frames"][e.iid] = (e.function_name_id, e.mapping_id, e.rel_pc)
            for e in d.callstacks: state["stacks"][e.iid] = list(e.frame_ids)
        if p.HasField("track_descriptor"):
            d = p.track_descriptor
            if d.HasField("thread"):
                tracks[d.uuid] = (d.thread.pid, d.thread.tid)
                lines.append({"kind": "thread", "uuid": d.uuid, "parent": d.parent_uuid, "pid": d.thread.pid,
                              "tid": d.thread.tid, "name": d.thread.thread_name})
            elif d.HasField("process"):
                lines.append({"kind": "process", "uuid": d.uuid, "pid": d.process.pid, "name": d.process.process_name,
                              "cmdline": list(d.process.cmdline)})
            continue
        if not p.HasField("track_event"):
            errors.append("packet %d: neither track event nor descriptor" % i)
            continue
        e = p.track_event
        if e.track_uuid not in tracks:
            errors.append("packet %d: event on undeclared track %d" % (i, e.track_uuid))
            continue
        if e.name_iid and (state is None or e.name_iid not in state["names"]):
            errors.append("packet %d: unknown name_iid %d" % (i, e.name_iid))
        name = state["names"].get(e.name_iid) if e.name_iid else (e.name or None)
        pid, tid = tracks[e.track_uuid]
        stack = None
        if e.callstack_iid:
            if e.callstack_iid not in state["stacks"]:
                errors.append("packet %d: unknown callstack_iid" % i)
            else:
                stack = []
                for fid in state["stacks"][e.callstack_iid]:
                    fn, mp, pc = state["frames"][fid]
                    stack.append({"function": state["funcs"][fn], "module": (state["maps"].get(mp) or [None])[0] if mp else None, "pc": pc})
        anns = {a.name: ann(a) for a in e.debug_annotations}
        if e.type == pb.TrackEvent.TYPE_SLICE_BEGIN:
            if e.track_uuid in open_slices:
                errors.append("packet %d: slice begins inside another on tid %d" % (i, tid))
            open_slices[e.track_uuid] = {"kind": "slice", "pid": pid, "tid": tid, "name": name, "ts": p.timestamp,
                                         "categories": list(e.categories), "annotations": anns, "callstack": stack,
                                         "terminating_flow_ids": list(e.terminating_flow_ids)}
        elif e.type == pb.TrackEvent.TYPE_SLICE_END:
            s = open_slices.pop(e.track_uuid, None)
            if s is None:
                errors.append("packet %d: slice end without begin" % i)
                continue
            s["dur"] = p.timestamp - s["ts"]
            lines.append(s)
        elif e.type == pb.TrackEvent.TYPE_INSTANT:
            lines.append({"kind": "instant", "pid": pid, "tid": tid, "name": name, "ts": p.timestamp, "annotations": anns,
                          "flow_ids": list(e.flow_ids), "terminating_flow_ids": list(e.terminating_flow_ids)})
        else:
            errors.append("packet %d: event type %d" % (i, e.type))
    for s in open_slices.values():
        errors.append("slice %s on tid %d never ends" % (s["name"], s["tid"]))
    first = t.packet[0].sequence_flags if t.packet else 0
    with open(out, "w") as o:
        for l in lines:
            o.write(json.dumps(l) + "\n")
        o.write(json.dumps({"kind": "summary", "packets": len(t.packet), "first_flags": first, "cleared": cleared, "errors": errors}) + "\n")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
