#pragma once
#include <libunwind-ptrace.h>
#include <libunwind.h>
