/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as the tool sees a file: a malloc'd copy with a NUL after the last byte
 * (read_file_bounded() terminates what it reads), so that reads past `size` are caught by ASan. */
static inline char *fuzz_copy(const uint8_t *data, size_t size) {
        char *p = malloc(size + 1);

        if (!p)
                abort();
        if (size)
                memcpy(p, data, size);
        p[size] = 0;
        return p;
}
