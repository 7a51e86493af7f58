/* clopt serve: the HTTP server, until SIGINT or SIGTERM. */
#include "cli.h"

#include "args.h"
#include "catalogue_json.h"
#include "server/server.h"
#include "usage.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#define CMD "clopt serve"

const char clopt_cli_serve_usage[] =
    "usage: clopt serve [--host ADDR] [--port N] [--device SEL] [--allow-host NAME]...\n"
    "                   [--max-connections N] [--timeout S] [--header-limit BYTES]\n"
    "                   [--memory MIB] [--queue N] [--heartbeat S] [--data DIR]\n"
    "                   [--client-streams N] [--client-connections N] [--request-timeout S]\n"
    "                   [--disk-cache MIB]\n"
    "\n"
    "Serves the page and the JSON API (/api/v1/...) that runs optimizers on test functions\n"
    "on the OpenCL device and streams the trajectories. Prints the URL as its first line;\n"
    "stops cleanly on Ctrl-C (SIGINT) or SIGTERM. The limits a request is held to (steps,\n"
    "trajectories, grids, expressions, trainings, body size) are GET /api/v1/limits.\n"
    "\n"
    "  --host ADDR            IP address to listen on (default 127.0.0.1; ::1 for IPv6)\n"
    "  --port N               port, 0 picks a free one (default 8080)\n"
    "  --device SEL           cpu, gpu, P:D or part of a device name (default: the first CPU)\n"
    "  --allow-host NAME      also accept this name in the Host header (up to 16 times);\n"
    "                         localhost, 127.0.0.1, [::1] and ADDR are always accepted\n"
    "  --max-connections N    open connections at once, 1 .. 100000 (default 512)\n"
    "  --timeout S            close a connection idle for S seconds, 1 .. 3600 (default 30)\n"
    "  --header-limit BYTES   memory per connection for the request line and headers,\n"
    "                         8192 .. 1048576 (default 32768)\n"
    "  --memory MIB           the budget for everything clients make the server hold (event\n"
    "                         logs, landscapes, request bodies); finished work is evicted\n"
    "                         least recently used first, 16 .. 65536 (default 1024)\n"
    "  --queue N              runs waiting for the device before POST answers 503,\n"
    "                         1 .. 4096 (default 32)\n"
    "  --client-streams N     event streams one client address may hold, 1 .. 100000\n"
    "                         (default 32; all streams share 3/4 of --max-connections)\n"
    "  --client-connections N connections one client address may hold (the loopback range\n"
    "                         is one client), 1 .. 100000 (default 7/8 of --max-connections);\n"
    "                         one more pushes out that client's oldest idle or slow one\n"
    "  --request-timeout S    a request must arrive whole (headers and body) within S\n"
    "                         seconds of its first byte, 1 .. 3600 (default 10)\n"
    "  --disk-cache MIB       the size of the server's own PoCL kernel cache directory\n"
    "                         ($XDG_CACHE_HOME/clopt/pocl, unless POCL_CACHE_DIR is set),\n"
    "                         least recently used programs removed first; 0: none on disk,\n"
    "                         0 .. 65536 (default 256)\n"
    "  --heartbeat S          comment sent on an idle stream every S seconds, 1 .. 15\n"
    "                         (default 10)\n"
    "  --data DIR             Fashion-MNIST's IDX files for the training view, loaded on\n"
    "                         the first training (default: Debian's dataset-fashion-mnist,\n"
    "                         /usr/share/datasets/fashion-mnist)\n";

/* 0, 2 on a usage error (printed), -1 when --help printed the usage. */
static int parse(int argc, char **argv, srv_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int bad = 0;
        uint64_t n;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(clopt_cli_serve_usage, stdout);
            return -1;
        }
        if ((v = cli_value(CMD, argc, argv, &i, "--host", &bad)))
            o->host = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--port", &bad))) {
            if (cli_u64(CMD, "--port", v, 0, 65535, &n)) return 2;
            o->port = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            o->device = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--allow-host", &bad))) {
            if (o->nallow_hosts == SRV_MAX_ALLOW_HOSTS) {
                fprintf(stderr, CMD ": more than %d --allow-host options\n", SRV_MAX_ALLOW_HOSTS);
                return 2;
            }
            o->allow_hosts[o->nallow_hosts++] = v;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--max-connections", &bad))) {
            if (cli_u64(CMD, "--max-connections", v, 1, 100000, &n)) return 2;
            o->max_connections = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--timeout", &bad))) {
            if (cli_u64(CMD, "--timeout", v, 1, 3600, &n)) return 2;
            o->timeout_s = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--header-limit", &bad))) {
            if (cli_u64(CMD, "--header-limit", v, 8192, 1048576, &n)) return 2;
            o->header_limit = (size_t)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--memory", &bad))) {
            if (cli_u64(CMD, "--memory", v, 16, 65536, &n)) return 2;
            o->memory_budget = (size_t)n << 20;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--queue", &bad))) {
            if (cli_u64(CMD, "--queue", v, 1, 4096, &n)) return 2;
            o->queue = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--heartbeat", &bad))) {
            if (cli_u64(CMD, "--heartbeat", v, 1, 15, &n)) return 2;
            o->heartbeat_s = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--client-streams", &bad))) {
            if (cli_u64(CMD, "--client-streams", v, 1, 100000, &n)) return 2;
            o->client_streams = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--client-connections", &bad))) {
            if (cli_u64(CMD, "--client-connections", v, 1, 100000, &n)) return 2;
            o->client_connections = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--request-timeout", &bad))) {
            if (cli_u64(CMD, "--request-timeout", v, 1, 3600, &n)) return 2;
            o->request_timeout_s = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--disk-cache", &bad))) {
            if (cli_u64(CMD, "--disk-cache", v, 0, 65536, &n)) return 2;
            o->disk_cache_mb = (unsigned)n;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--data", &bad)))
            o->data = v;
        else if (!bad)
            return cli_unknown_option(CMD, argv[i], clopt_cli_serve_usage);
        if (bad) return 2;
    }
    return 0;
}

/* Each connection is a descriptor: allow as many as the hard limit lets us. */
static void raise_fd_limit(unsigned connections)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
        rl.rlim_cur < (rlim_t)connections + 64) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static pthread_t main_thread; /* the thread that waits for SIGINT and SIGTERM */

/* A stop signal that reached a thread which does not block it: to the waiting thread. */
static void forward_stop(int sig)
{
    pthread_kill(main_thread, sig); /* async-signal-safe (POSIX.1-2008) */
}

int clopt_cli_serve(int argc, char **argv)
{
    srv_options o;
    srv_options_defaults(&o);
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    raise_fd_limit(o.max_connections);
    /* Every thread started from here inherits the mask: only sigwait below sees the signals.
     * A thread started before main (OpenBLAS's pool, made when the library is loaded) does
     * not block them: one sent there is handed on to this thread (forward_stop). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    main_thread = pthread_self();
    struct sigaction forward;
    memset(&forward, 0, sizeof forward);
    forward.sa_handler = forward_stop;
    sigemptyset(&forward.sa_mask);
    sigaction(SIGINT, &forward, NULL);
    sigaction(SIGTERM, &forward, NULL);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* The catalogues, formatted once: the server answers them as they are. */
    json_t *fns = json_array(), *opts = clopt_catalogue_json();
    for (size_t i = 0; fns && i < clopt_function_count(); i++)
        json_array_append_new(fns, clopt_cli_function_json(clopt_function_get(i)));
    char *functions = fns ? json_dumps(fns, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
    char *optimizers = opts ? json_dumps(opts, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
    json_decref(fns);
    json_decref(opts);
    o.functions_json = functions;
    o.optimizers_json = optimizers;
    clopt_error err;
    srv *s = functions && optimizers ? srv_start(&o, &err) : NULL;
    if (!functions || !optimizers)
        snprintf(err.text, sizeof err.text, "out of memory"), err.status = CLOPT_ENOMEM;
    if (!s) {
        free(functions);
        free(optimizers);
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_EINVAL || err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    printf("%s\n", srv_url(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, CMD ": %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    srv_stop(s);
    free(functions);
    free(optimizers);
    return 0;
}
