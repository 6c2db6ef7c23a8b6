// libzstd: `-o FILE.zst` traces are written and read as zstd streams.
#pragma once
#include <zstd.h>
