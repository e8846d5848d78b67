/* Load for `winnow serve` (and the echo floor): NDJSON lines over a Unix socket.
 *
 *   load latency SOCKET EVENTS RATE FILE     one connection, one event at a time, paced at RATE/s:
 *                                            prints p50 p99 p999 max in microseconds
 *   load throughput SOCKET CLIENTS FILE      CLIENTS connections, each pipelining every line of
 *                                            FILE (a writer and a reader thread each): prints
 *                                            answers, seconds and answers/s
 *
 * FILE holds one request per line. Built by serve.py with `cc -O2 -pthread`.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char *data;
static size_t data_len;
static long data_lines;
static const char *path;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int dial(void) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(1); }
    return fd;
}

static void load(const char *file) {
    FILE *f = fopen(file, "rb");
    if (!f) { perror(file); exit(1); }
    fseek(f, 0, SEEK_END);
    data_len = ftell(f);
    rewind(f);
    data = malloc(data_len);
    if (fread(data, 1, data_len, f) != data_len) { perror("read"); exit(1); }
    fclose(f);
    for (size_t i = 0; i < data_len; i++) data_lines += data[i] == '\n';
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void latency(long events, double rate) {
    int fd = dial();
    double *lat = malloc(sizeof(double) * events);
    char buf[65536];
    size_t offset = 0;
    double start = now();
    for (long k = 0; k < events; k++) {
        double due = start + k / rate;
        while (now() < due) {}
        char *line = data + offset, *end = memchr(line, '\n', data_len - offset);
        size_t len = end - line + 1;
        offset = (offset + len) % data_len;
        double t0 = now();
        if (write(fd, line, len) != (ssize_t)len) { perror("write"); exit(1); }
        size_t got = 0;
        for (;;) {
            ssize_t n = read(fd, buf + got, sizeof buf - got);
            if (n <= 0) { perror("read"); exit(1); }
            got += n;
            if (buf[got - 1] == '\n') break;
        }
        lat[k] = (now() - t0) * 1e6;
    }
    double seconds = now() - start;
    qsort(lat, events, sizeof(double), compare);
    printf("%.1f %.1f %.1f %.1f %.0f\n", lat[events / 2], lat[(long)(events * 0.99)], lat[(long)(events * 0.999)],
           lat[events - 1], events / seconds);
}

static void *writer(void *arg) {
    int fd = *(int *)arg;
    size_t off = 0;
    while (off < data_len) {
        ssize_t n = write(fd, data + off, data_len - off > 65536 ? 65536 : data_len - off);
        if (n <= 0) { perror("write"); exit(1); }
        off += n;
    }
    shutdown(fd, SHUT_WR);
    return NULL;
}

static void *reader(void *arg) {
    int fd = *(int *)arg;
    long lines = 0;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
    }
    return (void *)lines;
}

static void throughput(int clients) {
    int *fds = malloc(sizeof(int) * clients);
    pthread_t *w = malloc(sizeof(pthread_t) * clients), *r = malloc(sizeof(pthread_t) * clients);
    for (int c = 0; c < clients; c++) fds[c] = dial();
    double start = now();
    for (int c = 0; c < clients; c++) {
        pthread_create(&w[c], NULL, writer, &fds[c]);
        pthread_create(&r[c], NULL, reader, &fds[c]);
    }
    long total = 0;
    for (int c = 0; c < clients; c++) {
        void *lines;
        pthread_join(w[c], NULL);
        pthread_join(r[c], &lines);
        total += (long)lines;
    }
    double seconds = now() - start;
    printf("%ld %.3f %.0f\n", total, seconds, total / seconds);
    if (total != data_lines * clients) { fprintf(stderr, "expected %ld answers, got %ld\n", data_lines * clients, total); exit(2); }
}

int main(int argc, char **argv) {
    if (argc >= 6 && !strcmp(argv[1], "latency")) {
        path = argv[2];
        load(argv[5]);
        latency(atol(argv[3]), atof(argv[4]));
    } else if (argc >= 5 && !strcmp(argv[1], "throughput")) {
        path = argv[2];
        load(argv[4]);
        throughput(atoi(argv[3]));
    } else {
        fprintf(stderr, "usage: load latency SOCKET EVENTS RATE FILE | load throughput SOCKET CLIENTS FILE\n");
        return 1;
    }
    return 0;
}
