/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <sys/stat.h>

#include "apply.h"
#include "check.h"
#include "config.h"
#include "list.h"
#include "options.h"
#include "plan.h"
#include "report.h"
#include "rule.h"
#include "readcache.h"
#include "settings.h"
#include "util.h"

static void help(FILE *f) {
        fprintf(f,
"Usage: docker-audit-rules [--no-load | --no-write | --dry-run] [--best-effort] [OPTIONS]\n"
"       docker-audit-rules --print [OPTIONS]\n"
"       docker-audit-rules --list-paths [--format text|json] [OPTIONS]\n"
"       docker-audit-rules --check [--probe [--probe-path PATH ...]] [--format text|json|prometheus] [--output FILE] [--cis VERSION] [OPTIONS]\n"
"       docker-audit-rules --remove [--no-load | --no-write | --dry-run] [OPTIONS]\n"
"       docker-audit-rules --report [--input FILE] [--since TIME] [--until TIME] [--format text|json] [OPTIONS]\n"
"\n"
"Find where this host keeps Docker's files, load audit watch rules for them into the\n"
"running kernel and keep them in a rules.d fragment that loads at every boot.\n"
"\n"
"Modes (default: install):\n"
"      --print              write the fragment to standard output, change nothing\n"
"      --list-paths         show what was discovered and why, change nothing\n"
"      --check              verify the rules are loaded and will load at boot\n"
"      --remove             delete our rules from the kernel and the fragment\n"
"      --report             show what the audit logs recorded about Docker's files\n"
"\n"
"Options:\n"
"      --config FILE        read the settings from FILE (default: %s)\n"
"      --root DIR           discover inside DIR instead of / (implies --no-load)\n"
"      --rules-dir DIR      audit rules directory (default: %s inside the root)\n"
"      --output FILE        the fragment to write (default: RULES-DIR/%s);\n"
"                           --check: write the report there atomically instead\n"
"      --fragment FILE      our fragment, in every mode (as --output for install)\n"
"  -k, --key KEY            audit key of every rule (default: %s)\n"
"  -p, --perms PERMS        permissions of every -w rule, from rwxa (default: rwxa)\n"
"      --data-root-mode MODE  state (default), cis, recursive or off\n"
"      --run-mode MODE      /run/containerd: session (default), cis or recursive\n"
"      --binary-reads WHICH the reads of Docker's binaries to record: all (default) or\n"
"                           others (not the reads of a binary by itself)\n"
"      --no-cis-paths       do not add the CIS Benchmark's literal paths\n"
"      --order ORDER        last (default): after the host's rules; first: before them,\n"
"                           so that Docker's events carry our key\n"
"      --no-load            write the fragment, do not touch the kernel\n"
"      --no-write           load into the kernel, do not write the fragment\n"
"  -n, --dry-run            show what would be added, deleted and written\n"
"      --best-effort        for package hooks: an unusable audit system is a warning\n"
"      --format FORMAT      text (default), json, or (--check) prometheus\n"
"      --cis VERSION        --check: judge one benchmark version (1.2.0, 1.6.0, 1.8.0)\n"
"      --probe              --check: one harmless action per permission class on a watched binary,\n"
"                           unit file and configuration; wait for each event, with our key\n"
"      --probe-path PATH    --check --probe: act on the watches of these paths only (repeatable)\n"
"      --probe-timeout SECONDS  --check --probe: how long to wait (default: 2)\n"
"      --input FILE         --report: read FILE (repeatable; - is standard input)\n"
"      --since TIME         --report: from TIME (now, recent, today, yesterday, this-week,\n"
"                           week-ago, this-month, this-year, MM/DD/YYYY or YYYY-MM-DD [HH:MM:SS])\n"
"      --until TIME         --report: up to TIME, in the same forms\n"
"  -q, --quiet              print errors only\n"
"  -v, --verbose            say what is done, rule by rule\n"
"  -h, --help               show this help\n"
"      --version            show the version\n"
"\n"
"Exit status: 0 done; 1 failed; 2 usage error; 3 done, but a configuration file could\n"
"not be read; 4 audit configuration locked, the rules load at next boot; 5 the kernel's\n"
"audit is not reachable, the fragment was written. --best-effort turns 4 and 5 into 0.\n"
"--check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (a usage error of --check too).\n"
"--report: 0 nothing but package managers, Docker and this tool; 1 changes by others;\n"
"2 tampering; 3 no log could be read.\n",
                SETTINGS_FILE, RULES_DIR, FRAGMENT_NAME, DEFAULT_KEY);
}

enum {
        ARG_PRINT = 0x100,
        ARG_LIST_PATHS,
        ARG_CHECK,
        ARG_REMOVE,
        ARG_ROOT,
        ARG_RULES_DIR,
        ARG_OUTPUT,
        ARG_DATA_ROOT_MODE,
        ARG_RUN_MODE,
        ARG_BINARY_READS,
        ARG_NO_CIS_PATHS,
        ARG_NO_LOAD,
        ARG_NO_WRITE,
        ARG_BEST_EFFORT,
        ARG_FORMAT,
        ARG_CIS,
        ARG_VERSION,
        ARG_REPORT,
        ARG_INPUT,
        ARG_SINCE,
        ARG_UNTIL,
        ARG_CONFIG,
        ARG_FRAGMENT,
        ARG_PROBE,
        ARG_PROBE_TIMEOUT,
        ARG_PROBE_PATH,
        ARG_ORDER,
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line, whatever the values it quotes hold: a key or path given with a newline or an escape
 * sequence is shown escaped (fprintf_escaped()). */
static int usage_error(const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "docker-audit-rules: ");
        va_start(ap, fmt);
        vfprintf_escaped(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\nTry 'docker-audit-rules --help' for more information.\n");
        return -EINVAL;
}

static const struct option longopts[] = {
        { "print", no_argument, NULL, ARG_PRINT },
        { "list-paths", no_argument, NULL, ARG_LIST_PATHS },
        { "check", no_argument, NULL, ARG_CHECK },
        { "remove", no_argument, NULL, ARG_REMOVE },
        { "root", required_argument, NULL, ARG_ROOT },
        { "rules-dir", required_argument, NULL, ARG_RULES_DIR },
        { "output", required_argument, NULL, ARG_OUTPUT },
        { "fragment", required_argument, NULL, ARG_FRAGMENT },
        { "key", required_argument, NULL, 'k' },
        { "perms", required_argument, NULL, 'p' },
        { "data-root-mode", required_argument, NULL, ARG_DATA_ROOT_MODE },
        { "run-mode", required_argument, NULL, ARG_RUN_MODE },
        { "binary-reads", required_argument, NULL, ARG_BINARY_READS },
        { "no-cis-paths", no_argument, NULL, ARG_NO_CIS_PATHS },
        { "order", required_argument, NULL, ARG_ORDER },
        { "no-load", no_argument, NULL, ARG_NO_LOAD },
        { "no-write", no_argument, NULL, ARG_NO_WRITE },
        { "dry-run", no_argument, NULL, 'n' },
        { "best-effort", no_argument, NULL, ARG_BEST_EFFORT },
        { "format", required_argument, NULL, ARG_FORMAT },
        { "cis", required_argument, NULL, ARG_CIS },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, ARG_VERSION },
        { "report", no_argument, NULL, ARG_REPORT },
        { "input", required_argument, NULL, ARG_INPUT },
        { "since", required_argument, NULL, ARG_SINCE },
        { "until", required_argument, NULL, ARG_UNTIL },
        { "config", required_argument, NULL, ARG_CONFIG },
        { "probe", no_argument, NULL, ARG_PROBE },
        { "probe-timeout", required_argument, NULL, ARG_PROBE_TIMEOUT },
        { "probe-path", required_argument, NULL, ARG_PROBE_PATH },
        {}
};

/* The mode a getopt_long() result selects; false when it is not a mode option. */
static bool mode_from_option(int c, enum mode *ret) {
        switch (c) {
        case ARG_PRINT:
                *ret = MODE_PRINT;
                return true;
        case ARG_LIST_PATHS:
                *ret = MODE_LIST_PATHS;
                return true;
        case ARG_CHECK:
                *ret = MODE_CHECK;
                return true;
        case ARG_REMOVE:
                *ret = MODE_REMOVE;
                return true;
        case ARG_REPORT:
                *ret = MODE_REPORT;
                return true;
        default:
                return false;
        }
}

/* --root must name a directory that exists: discovery inside a missing tree would find nothing
 * and write an empty fragment as if all were well. */
static int check_root(const char *root) {
        struct stat st;

        if (stat(root, &st) < 0)
                return usage_error("--root %s: %s", root, strerror(errno));
        if (!S_ISDIR(st.st_mode))
                return usage_error("--root %s: %s", root, strerror(ENOTDIR));
        return 0;
}

/* One option other than a mode. Returns 1 to go on, 0 when done (help, version), -EINVAL on a
 * usage error (printed). */
static int parse_option(int c, char *argv[], struct options *o) {
        switch (c) {
        case ARG_ROOT:
                if (!*optarg)
                        return usage_error("--root needs a directory");
                o->root = optarg;
                break;
        case ARG_RULES_DIR:
                if (optarg[0] != '/')
                        return usage_error("--rules-dir needs an absolute path, got \"%s\"", optarg);
                o->rules_dir = optarg;
                break;
        case ARG_OUTPUT:
                if (optarg[0] != '/' || endswith(optarg, "/"))
                        return usage_error("--output needs an absolute file path, got \"%s\"", optarg);
                o->output = optarg;
                break;
        case 'k':
                if (!rule_key_valid(optarg))
                        return usage_error("invalid key \"%s\": 1 to 256 bytes, no whitespace, "
                                           "control characters, '\"', '#' or '\\'", optarg);
                o->render.key = optarg;
                o->given.key = true;
                break;
        case 'p':
                if (perms_from_string(optarg, &o->render.perms) < 0)
                        return usage_error("invalid permissions \"%s\": use letters from rwxa", optarg);
                o->given.perms = true;
                break;
        case ARG_DATA_ROOT_MODE:
                if (data_root_mode_from_string(optarg, &o->render.data_root_mode) < 0)
                        return usage_error("invalid data root mode \"%s\": state, cis, recursive or off", optarg);
                o->given.data_root_mode = true;
                break;
        case ARG_RUN_MODE:
                if (run_mode_from_string(optarg, &o->render.run_mode) < 0)
                        return usage_error("invalid run mode \"%s\": session, cis or recursive", optarg);
                o->given.run_mode = true;
                break;
        case ARG_BINARY_READS:
                o->render.binary_reads = binary_reads_from_string(optarg);
                if ((int) o->render.binary_reads < 0)
                        return usage_error("invalid binary reads \"%s\": all or others", optarg);
                o->given.binary_reads = true;
                break;
        case ARG_NO_CIS_PATHS:
                o->discovery.cis_paths = false;
                o->given.cis_paths = true;
                break;
        case ARG_ORDER: {
                enum rule_order ord = rule_order_from_string(optarg);
                if ((int) ord < 0)
                        return usage_error("invalid order \"%s\": first or last", optarg);
                o->render.order = ord;
                o->given.order = true;
                break;
        }
        case ARG_FRAGMENT:
                if (optarg[0] != '/' || endswith(optarg, "/"))
                        return usage_error("--fragment needs an absolute file path, got \"%s\"", optarg);
                o->fragment = optarg;
                break;
        case ARG_CONFIG:
                if (optarg[0] != '/')
                        return usage_error("--config needs an absolute path, got \"%s\"", optarg);
                o->config = optarg;
                break;
        case ARG_INPUT:
                if (strv_extend(&o->inputs, optarg) < 0)
                        return usage_error("out of memory");
                break;
        case ARG_SINCE:
                o->since = optarg;
                break;
        case ARG_UNTIL:
                o->until = optarg;
                break;
        case ARG_NO_LOAD:
                o->no_load = true;
                break;
        case ARG_NO_WRITE:
                o->no_write = true;
                break;
        case 'n':
                o->dry_run = true;
                break;
        case ARG_BEST_EFFORT:
                o->best_effort = true;
                break;
        case ARG_FORMAT:
                if (streq(optarg, "text"))
                        o->format = FORMAT_TEXT;
                else if (streq(optarg, "json"))
                        o->format = FORMAT_JSON;
                else if (streq(optarg, "prometheus"))
                        o->format = FORMAT_PROMETHEUS;
                else
                        return usage_error("invalid format \"%s\": text, json or prometheus", optarg);
                break;
        case ARG_PROBE:
                o->probe = true;
                break;
        case ARG_PROBE_TIMEOUT: {
                char *end;
                double t;

                errno = 0;
                t = strtod(optarg, &end);
                if (errno || end == optarg || *end || !(t > 0 && t <= 600))
                        return usage_error("invalid probe timeout \"%s\": seconds, above 0 and at most 600", optarg);
                o->probe_timeout_ms = (int) (t * 1000 + 0.5) ?: 1;
                break;
        }
        case ARG_PROBE_PATH: {
                char *n = NULL;

                if (optarg[0] != '/' || path_normalize(optarg, &n) < 0)
                        return usage_error("--probe-path needs an absolute path, got \"%s\"", optarg);
                if (strv_push(&o->probe_paths, n) < 0)
                        return usage_error("out of memory");
                break;
        }
        case ARG_CIS: {
                enum cis_version v;
                if (cis_version_from_string(optarg, &v) < 0)
                        return usage_error("invalid CIS version \"%s\": 1.2.0, 1.6.0 or 1.8.0", optarg);
                o->cis = (int) v;
                break;
        }
        case 'q':
                o->verbosity = -1;
                break;
        case 'v':
                o->verbosity = 1;
                break;
        case 'h':
                help(stdout);
                return 0;
        case ARG_VERSION:
                printf("docker-audit-rules %s\n", PACKAGE_VERSION);
                return 0;
        case ':':
                return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
                return usage_error("unknown option '%s'", argv[optind - 1]);
        }
        return 1;
}

/* Checks that need every option. */
static int check_options(struct options *o) {
        if (o->no_load && o->no_write)
                return usage_error("--no-load and --no-write together leave nothing to do");
        if (o->format == FORMAT_JSON && o->mode == MODE_PRINT)
                return usage_error("--print writes the fragment itself; --format json is for the other modes");
        if (o->cis >= 0 && o->mode != MODE_CHECK)
                return usage_error("--cis only applies to --check");
        if ((o->probe || o->probe_timeout_ms || o->probe_paths) && o->mode != MODE_CHECK)
                return usage_error("--probe, --probe-timeout and --probe-path only apply to --check");
        if (o->probe_paths && !o->probe)
                return usage_error("--probe-path only applies to --probe");
        if (o->format == FORMAT_PROMETHEUS && o->mode != MODE_CHECK)
                return usage_error("--format prometheus only applies to --check");
        if (o->mode == MODE_CHECK) {
                /* --output is the file a mode writes: the report for --check, which finds the
                 * fragment where --fragment says. */
                o->check_output = o->output;
                o->output = o->fragment;
        } else if (o->fragment) {
                if (o->output && !streq(o->output, o->fragment))
                        return usage_error("--fragment and --output name two different fragments");
                o->output = o->fragment;
        }
        if (o->probe && !o->probe_timeout_ms)
                o->probe_timeout_ms = 2000;
        if ((o->inputs || o->since || o->until) && o->mode != MODE_REPORT)
                return usage_error("--input, --since and --until only apply to --report");
        if (o->root && check_root(o->root) < 0)
                return -EINVAL;
        if (o->root && o->mode != MODE_CHECK) {
                /* An image build never touches the build host's kernel, even with --root /. */
                if (o->no_write)
                        return usage_error("--root implies --no-load: with --no-write there is nothing to do");
                o->no_load = true;
        }
        return 1;
}

/* Returns 1 to go on, 0 when done (help, version), -EINVAL on a usage error (printed once).
 * o->mode is set from every mode option on the command line, also those after a usage error
 * (--check wins when there are several): main() answers a usage error of --check, or of an
 * abbreviation of it, with UNKNOWN. */
static int parse_argv(int argc, char *argv[], struct options *o) {
        bool mode_set = false;
        int c, r = 1;

        opterr = 0;
        while ((c = getopt_long(argc, argv, ":k:p:nqvh", longopts, NULL)) >= 0) {
                enum mode m;

                if (mode_from_option(c, &m)) {
                        if (mode_set && o->mode != m && r > 0)
                                r = usage_error("%s: only one of --print, --list-paths, --check, --remove and --report",
                                                argv[optind - 1]);
                        /* With two modes, --check among them makes the usage error UNKNOWN. */
                        if (!mode_set || m == MODE_CHECK)
                                o->mode = m;
                        mode_set = true;
                        continue;
                }
                if (r <= 0)
                        continue; /* after an error, only look for the mode */
                r = parse_option(c, argv, o);
                if (r == 0)
                        return 0;
        }
        if (r < 0)
                return r;
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        return check_options(o);
}

/* The settings files fill what the command line left open: command line over file over
 * built-in defaults. The default file is read inside --root (an image's own settings), an
 * explicit --config as given. */
static int load_settings(struct options *o, struct settings *s) {
        struct root root = {};
        int r;

        r = root_init(&root, o->config ? "/" : o->root ? o->root : "/");
        if (r >= 0)
                r = settings_load(&root, o->config, s);
        root_done(&root);
        if (r < 0) {
                if (o->config)
                        return usage_error("--config %s: %s", o->config, strerror(-r));
                fprintf(stderr, "docker-audit-rules: %s: %s\n", SETTINGS_FILE, strerror(-r));
                return r;
        }
        if (!o->given.key && s->key)
                o->render.key = s->key;
        if (!o->given.perms && s->have_perms)
                o->render.perms = s->perms;
        if (!o->given.data_root_mode && s->have_data_root_mode)
                o->render.data_root_mode = s->data_root_mode;
        if (!o->given.run_mode && s->have_run_mode)
                o->render.run_mode = s->run_mode;
        if (!o->given.order && s->have_order)
                o->render.order = s->order;
        if (!o->given.binary_reads && s->have_binary_reads)
                o->render.binary_reads = s->binary_reads;
        if (!o->given.cis_paths && s->cis_paths >= 0)
                o->discovery.cis_paths = s->cis_paths;
        o->settings = s;
        return 0;
}

/* Is dir (NULL: the default) the live root "/"? */
static bool root_is_live_dir(const char *dir) {
        _cleanup_free_ char *n = NULL;

        if (!dir)
                return true;
        return dir[0] == '/' && path_normalize(dir, &n) >= 0 && streq(n, "/");
}

static int run_print(const struct options *o) {
        struct plan p = {};
        const char *what = "";
        int r;

        r = plan_build(o, &p, &what);
        if (r < 0) {
                fprintf(stderr, "docker-audit-rules: %s: %s\n", what, strerror(-r));
                return EXIT_FAIL;
        }
        fputs(p.fragment_text, stdout);
        r = plan_print_problems(stderr, &p);
        plan_done(&p);
        return r > 0 ? EXIT_INPUT : EXIT_OK;
}

/* The exit status of a run that could not start: --check and --report have statuses of their own
 * in which 1 and 2 are findings a monitor acts on, so there it is their "nothing judged" 3. */
static int failure_status(const struct options *o, int usual) {
        if (o->mode == MODE_CHECK)
                return CHECK_UNKNOWN;
        if (o->mode == MODE_REPORT)
                return REPORT_UNREADABLE;
        return usual;
}

int main(int argc, char *argv[]) {
        struct options o = {
                .render = { .key = DEFAULT_KEY, .data_root_mode = DATA_ROOT_STATE },
                .discovery = { .cis_paths = true },
                .cis = -1,
        };
        struct settings settings = { .cis_paths = -1 };
        int r;

        r = parse_argv(argc, argv, &o);
        if (r < 0) {
                strv_free(o.inputs);
                strv_free(o.probe_paths);
                /* A monitor reads 2 as CRITICAL (--check) or as tampering (--report). */
                return failure_status(&o, EXIT_USAGE);
        }
        if (r == 0)
                return EXIT_OK;
        r = load_settings(&o, &settings);
        if (r < 0) {
                strv_free(o.inputs);
                strv_free(o.probe_paths);
                return failure_status(&o, r == -EINVAL ? EXIT_USAGE : EXIT_FAIL);
        }

        /* On the live host as root: what was read last time is not read again (readcache.h). */
        if (geteuid() == 0 && root_is_live_dir(o.root) && readcache_enable(NULL) < 0) {
                fprintf(stderr, "docker-audit-rules: %s\n", strerror(ENOMEM));
                return failure_status(&o, EXIT_FAIL);
        }

        switch (o.mode) {
        case MODE_PRINT:
                r = run_print(&o);
                break;
        case MODE_LIST_PATHS:
                r = run_list(&o);
                break;
        case MODE_CHECK:
                r = run_check(&o);
                break;
        case MODE_INSTALL:
        case MODE_REMOVE:
                r = run_apply(&o);
                break;
        case MODE_REPORT:
                r = run_report(&o);
                break;
        default:
                r = EXIT_FAIL;
        }

        /* A cache that cannot be written costs reads next time, nothing else. */
        (void) readcache_save_and_disable();
        settings_done(&settings);
        strv_free(o.inputs);
        strv_free(o.probe_paths);
        if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "docker-audit-rules: cannot write to standard output: %s\n", strerror(errno));
                if (r == EXIT_OK)
                        r = EXIT_FAIL;
        }
        return r;
}
