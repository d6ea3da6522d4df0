/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The administrator's choices: /etc/docker-audit-rules.conf and its drop-ins. */
#include <errno.h>
#include <stdarg.h>
#include <strings.h>

#include "rule.h"
#include "settings.h"
#include "unitfile.h"
#include "util.h"

void settings_done(struct settings *s) {
        free(s->key);
        strv_free(s->files);
        problems_done(&s->problems);
        *s = (struct settings) { .cis_paths = -1 };
}

static int add_problem(struct settings *s, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int add_problem(struct settings *s, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = problems_addv(&s->problems, file, line, false, fmt, ap);
        va_end(ap);
        return r;
}

/* systemd's parse_boolean() (src/basic/parse-util.c) spellings. */
int parse_boolean(const char *v) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(v, yes[i]) == 0)
                        return 1;
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (strcasecmp(v, no[i]) == 0)
                        return 0;
        return -EINVAL;
}

static int apply_entry(struct settings *s, const char *file, const struct unit_entry *e) {
        if (!streq(e->section, "Rules"))
                return add_problem(s, file, e->line, "unknown section [%s]: ignored", e->section);

        if (streq(e->key, "Key")) {
                char *k;
                if (!rule_key_valid(e->value))
                        return add_problem(s, file, e->line, "Key=%s: not a valid audit key (1 to 256 characters, "
                                           "no spaces, quotes, '#' or '\\'); not used", e->value);
                k = strdup(e->value);
                if (!k)
                        return -ENOMEM;
                free(s->key);
                s->key = k;
        } else if (streq(e->key, "Permissions")) {
                unsigned perms = 0;
                if (*e->value && perms_from_string(e->value, &perms) < 0)
                        return add_problem(s, file, e->line, "Permissions=%s: use letters from rwxa; not used",
                                           e->value);
                s->have_perms = true;
                s->perms = perms;
        } else if (streq(e->key, "DataRootMode")) {
                enum data_root_mode m;
                if (data_root_mode_from_string(e->value, &m) < 0)
                        return add_problem(s, file, e->line, "DataRootMode=%s: state, cis, recursive or off; "
                                           "not used", e->value);
                s->have_data_root_mode = true;
                s->data_root_mode = m;
        } else if (streq(e->key, "RunMode")) {
                enum run_mode m;
                if (run_mode_from_string(e->value, &m) < 0)
                        return add_problem(s, file, e->line, "RunMode=%s: session, cis or recursive; not used",
                                           e->value);
                s->have_run_mode = true;
                s->run_mode = m;
        } else if (streq(e->key, "BinaryReads")) {
                enum binary_reads b = binary_reads_from_string(e->value);
                if ((int) b < 0)
                        return add_problem(s, file, e->line, "BinaryReads=%s: all or others; not used", e->value);
                s->have_binary_reads = true;
                s->binary_reads = b;
        } else if (streq(e->key, "CISPaths")) {
                int b = parse_boolean(e->value);
                if (b < 0)
                        return add_problem(s, file, e->line, "CISPaths=%s: yes or no; not used", e->value);
                s->cis_paths = b;
        } else if (streq(e->key, "Order")) {
                enum rule_order o = rule_order_from_string(e->value);
                if ((int) o < 0)
                        return add_problem(s, file, e->line, "Order=%s: first or last; not used", e->value);
                s->have_order = true;
                s->order = o;
        } else
                return add_problem(s, file, e->line, "unknown key %s= in [Rules]: ignored", e->key);
        return 0;
}

int settings_parse(struct settings *s, const char *file, const char *data, size_t len) {
        struct unit_file uf = {};
        unsigned line = 0;
        int r;

        r = unit_file_parse(data, len, &uf, &line);
        if (r == -EINVAL || r == -E2BIG) {
                /* systemd skips what it cannot parse; the entries before it count. */
                if (add_problem(s, file, line, "%s: the rest of the file is not read",
                                r == -E2BIG ? "line too long" : "not [Section] or KEY=VALUE") < 0) {
                        unit_file_done(&uf);
                        return -ENOMEM;
                }
        } else if (r < 0)
                return r;
        for (size_t i = 0; i < uf.n_entries; i++) {
                r = apply_entry(s, file, &uf.entries[i]);
                if (r < 0) {
                        unit_file_done(&uf);
                        return r;
                }
        }
        unit_file_done(&uf);
        return 0;
}

/* Read one host file into s. Returns 1 when read, 0 when missing and optional, -errno. */
static int read_one(const struct root *root, struct settings *s, const char *path, bool optional) {
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int r;

        r = root_read_file(root, path, &data, &len);
        if (r == -ENOENT && optional)
                return 0;
        if (r == -ENOMEM || (r < 0 && !optional))
                return r;
        if (r < 0)
                return add_problem(s, path, 0, "cannot read: %s; the built-in defaults are used", errno_name(r));
        r = strv_extend(&s->files, path);
        if (r < 0)
                return r;
        r = settings_parse(s, path, data, len);
        return r < 0 ? r : 1;
}

int settings_load(const struct root *root, const char *explicit_path, struct settings *ret) {
        struct settings s = { .cis_paths = -1 };
        _cleanup_strv_free_ char **names = NULL;
        int r;

        if (explicit_path) {
                r = read_one(root, &s, explicit_path, false);
                goto finish;
        }
        r = read_one(root, &s, SETTINGS_FILE, true);
        if (r < 0)
                goto finish;
        r = root_list_dir(root, SETTINGS_FILE ".d", &names);
        if (r == -ENOENT || r == -ENOTDIR) {
                r = 0;
                goto finish;
        }
        if (r < 0 && r != -ENOMEM) {
                r = add_problem(&s, SETTINGS_FILE ".d", 0, "cannot list: %s; its drop-ins are not read",
                                errno_name(r));
                goto finish;
        }
        for (char **n = names; r >= 0 && n && *n; n++) {
                _cleanup_free_ char *p = NULL;
                if (!endswith(*n, ".conf"))
                        continue;
                p = path_join(SETTINGS_FILE ".d", *n);
                r = p ? read_one(root, &s, p, true) : -ENOMEM;
        }
finish:
        if (r < 0) {
                settings_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}
