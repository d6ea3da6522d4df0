/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <string.h>

/* An enum's names: an array of strings indexed by the enum, and the pair of lookups
 *   const char *NAME_to_string(TYPE v);       NULL when out of range
 *   TYPE NAME_from_string(const char *s);     -1 (cast) when unknown */
#define DEFINE_STRING_TABLE_LOOKUP(name, type, table, max)                      \
        const char *name##_to_string(type v) {                                  \
                if ((int) v < 0 || (int) v >= (int) (max))                      \
                        return NULL;                                            \
                return table[v];                                                \
        }                                                                       \
        type name##_from_string(const char *s) {                                \
                for (int i = 0; s && i < (int) (max); i++)                      \
                        if (table[i] && strcmp(table[i], s) == 0)               \
                                return (type) i;                                \
                return (type) -1;                                               \
        }
