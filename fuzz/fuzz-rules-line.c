/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every line of an audit rules file through rule_parse_line(), the way rulesdir.c and check.c
 * read them; a parsed watch is formatted, parsed again and must come back the same. */
#include <assert.h>

#include "fuzz-common.h"
#include "rule.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size);

        for (char *p = text; p; ) {
                struct rule r = {}, copy = {}, again = {};
                const char *why = NULL;
                char *formatted = NULL, *nl = strchr(p, '\n');
                char *line = p;
                int t;

                if (nl)
                        *nl = 0;
                p = nl ? nl + 1 : NULL;

                t = rule_parse_line(line, &r, &why);
                if (t < 0)
                        assert(r.path == NULL && r.keys == NULL && r.exe == NULL);
                if (t == LINE_WATCH) {
                        char buf[5];

                        (void) perms_to_string(r.perms, buf);
                        if (rule_copy(&r, &copy) == 0) {
                                assert(rule_equal(&r, &copy));
                                rule_done(&copy);
                        }
                        if (rule_format(&r, &formatted) == 0) {
                                int t2 = rule_parse_line(formatted, &again, &why);

                                assert(t2 == LINE_WATCH);
                                assert(rule_equal(&r, &again));
                                rule_done(&again);
                                free(formatted);
                        }
                }
                rule_done(&r);
        }
        free(text);
        return 0;
}
