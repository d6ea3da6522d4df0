/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shell scripts that start a daemon, read as text: their exec line, and what a wrapper runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unitfile.h"
#include "util.h"
#include "wrapper.h"

static const char *const shells[] = { "sh", "bash", "dash", "ash", "ksh", NULL };

static bool is_shell_name(const char *s, size_t n) {
        for (size_t k = 0; shells[k]; k++)
                if (strlen(shells[k]) == n && strncmp(s, shells[k], n) == 0)
                        return true;
        return false;
}

int script_is_shell(const char *data, size_t len) {
        const char *end, *p, *w;
        size_t n;

        if (len < 3 || data[0] != '#' || data[1] != '!')
                return 0;
        end = memchr(data, '\n', len);
        if (!end)
                end = data + len;
        p = data + 2;
        while (p < end && (*p == ' ' || *p == '\t'))
                p++;
        /* The interpreter: its basename; "/usr/bin/env sh" looks at the next word. */
        for (int round = 0; round < 2; round++) {
                const char *s = p;
                while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
                        p++;
                w = s;
                for (const char *q = s; q < p; q++)
                        if (*q == '/')
                                w = q + 1;
                n = (size_t) (p - w);
                if (is_shell_name(w, n))
                        return 1;
                if (round > 0 || n != 3 || strncmp(w, "env", 3) != 0)
                        return 0;
                while (p < end && (*p == ' ' || *p == '\t'))
                        p++;
        }
        return 0;
}

static bool is_redirection(const char *w) {
        while (*w >= '0' && *w <= '9')
                w++;
        return *w == '>' || *w == '<' || *w == '&';
}

/* One logical line (backslash-newline joined) starting at *p; advances *p. NULL on -ENOMEM. */
static char *next_line(const char **p, const char *end) {
        struct strbuf b = {};
        const char *s = *p;

        while (s < end) {
                const char *nl = memchr(s, '\n', (size_t) (end - s));
                const char *e = nl ? nl : end;
                bool cont = e > s && e[-1] == '\\';
                if (strbuf_append(&b, s, (size_t) (e - s - (cont ? 1 : 0))) < 0) {
                        free(b.s);
                        return NULL;
                }
                s = nl ? nl + 1 : end;
                if (!cont)
                        break;
        }
        *p = s;
        if (!b.s && strbuf_append(&b, "", 0) < 0)
                return NULL;
        return b.s;
}

/* The exec line's words from the program on, or NULL (not one, or no program). */
static int exec_words(const char *line, char * const *env, const char *name, char ***ret) {
        _cleanup_strv_free_ char **words = NULL, **out = NULL;
        const char *s = line;
        size_t k = 1;
        int r;

        while (*s == ' ' || *s == '\t')
                s++;
        if (!startswith(s, "exec ") && !startswith(s, "exec\t"))
                return 0;
        r = exec_split(s, env, &words);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !words || !words[0])
                return 0;
        /* exec's options: -a NAME ("$0" gives no word), -c, -l. */
        while (words[k] && words[k][0] == '-') {
                bool a = streq(words[k], "-a");
                k++;
                if (a && words[k] && words[k][0] != '/')
                        k++;
        }
        /* With a name, the program of that name anywhere on the line (chpst ... dockerd). */
        if (name)
                while (words[k] && !streq(path_basename(words[k]), name))
                        k++;
        if (!words[k])
                return 0;
        for (; words[k]; k++)
                if (!is_redirection(words[k]) && (r = strv_extend(&out, words[k])) < 0)
                        return r;
        *ret = TAKE_PTR(out);
        return 1;
}

int script_exec_argv(const char *data, size_t len, char * const *env, const char *name, char ***ret_argv) {
        _cleanup_strv_free_ char **found = NULL;
        const char *p = data, *end = data + len;
        int r;

        while (p < end) {
                _cleanup_free_ char *line = next_line(&p, end);
                char **argv = NULL;
                if (!line)
                        return -ENOMEM;
                r = exec_words(line, env, name, &argv);
                if (r < 0)
                        return r;
                if (r > 0) {
                        strv_free(found);
                        found = argv;
                }
        }
        if (!found)
                return 0;
        *ret_argv = TAKE_PTR(found);
        return 1;
}

/* The absolute directories in the '...' parts of a PATH assignment line, added to *dirs. */
static int path_line(const char *line, char ***dirs) {
        const char *s = line;

        while (*s == ' ' || *s == '\t')
                s++;
        if (startswith(s, "export "))
                s += strlen("export ");
        if (!startswith(s, "PATH="))
                return 0;
        for (s = strchr(s, '\''); s; s = strchr(s, '\'')) {
                const char *e = strchr(++s, '\'');
                _cleanup_free_ char *part = NULL;
                if (!e)
                        break;
                part = strndup(s, (size_t) (e - s));
                if (!part)
                        return -ENOMEM;
                for (char *save = NULL, *d = strtok_r(part, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                        int r;
                        if (d[0] != '/' || strv_contains(*dirs, d))
                                continue;
                        if ((r = strv_extend(dirs, d)) < 0)
                                return r;
                }
                s = e + 1;
        }
        return 0;
}

int wrapper_parse(const char *data, size_t len, char **ret_program, char ***ret_path_dirs) {
        _cleanup_strv_free_ char **argv = NULL, **dirs = NULL;
        const char *p = data, *end = data + len;
        char *program;
        int r;

        if (len > WRAPPER_MAX_SIZE || memchr(data, '\0', len) || !script_is_shell(data, len))
                return 0;
        r = script_exec_argv(data, len, NULL, NULL, &argv);
        if (r <= 0)
                return r;
        if (argv[0][0] != '/')
                return 0;
        while (p < end) {
                _cleanup_free_ char *line = next_line(&p, end);
                if (!line)
                        return -ENOMEM;
                if ((r = path_line(line, &dirs)) < 0)
                        return r;
        }
        if (!dirs && !(dirs = calloc(1, sizeof(char *))))
                return -ENOMEM;
        program = strdup(argv[0]);
        if (!program)
                return -ENOMEM;
        *ret_program = program;
        *ret_path_dirs = TAKE_PTR(dirs);
        return 1;
}
