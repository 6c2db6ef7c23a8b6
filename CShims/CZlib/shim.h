// zlib, for reading /proc/config.gz (the running kernel's configuration).
#pragma once
#include <zlib.h>
