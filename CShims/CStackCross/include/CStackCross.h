// CStackCross: the only C the project needs. Every symbol carries the sc_ prefix.
// Umbrella header: each shim area has its own header, included here.
#pragma once
#include "sc_ptrace.h"
#include "sc_spawn.h"
#include "sc_trace.h"
#include "sc_unwind.h"
