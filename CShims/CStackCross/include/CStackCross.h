// CStackCross: fixed-arity wrappers for what Swift cannot call (ptrace is variadic, wait-status macros,
// seccomp/BPF, fork+exec) and mirrored kernel structs. Every symbol carries the sc_ prefix.
// Umbrella header: each shim area has its own header, included here.
#pragma once
#include "sc_ptrace.h"
#include "sc_spawn.h"
#include "sc_trace.h"
#include "sc_net.h"
