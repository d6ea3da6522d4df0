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

/* text (fuzz_copy()'s, size bytes) split in place at NUL bytes and newlines into a NULL-terminated
 * argv, argv[0] first; free the array only. */
static inline char **fuzz_argv(char *text, size_t size) {
        size_t n = 0, start = 0;
        char **argv;

        for (size_t i = 0; i <= size; i++)
                if (i == size || text[i] == 0 || text[i] == '\n')
                        n++;
        argv = calloc(n + 1, sizeof(char *));
        if (!argv)
                abort();
        n = 0;
        for (size_t i = 0; i <= size; i++)
                if (i == size || text[i] == 0 || text[i] == '\n') {
                        text[i] = 0;
                        argv[n++] = text + start;
                        start = i + 1;
                }
        return argv;
}
