/* The --help texts read as data: their options, "did you mean", and roff for the man page. */
#include "usage.h"

#include "suggest.h"

#include <ctype.h>
#include <string.h>

static int is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Adds name (and value) unless the name is there already. */
static size_t add(cli_option *out, size_t n, size_t max, const char *name, size_t len,
                  const char *value, size_t vlen)
{
    if (n == max || len == 0 || len >= CLI_MAX_NAME || vlen >= CLI_MAX_NAME) return n;
    for (size_t i = 0; i < n; i++)
        if (strlen(out[i].name) == len && strncmp(out[i].name, name, len) == 0) return n;
    memcpy(out[n].name, name, len);
    out[n].name[len] = '\0';
    memcpy(out[n].value, value, vlen);
    out[n].value[vlen] = '\0';
    return n + 1;
}

/* "--name VALUE", "[--name]", "--name VALUE | --other": options in a synopsis line. */
static size_t synopsis_options(const char *s, size_t len, cli_option *out, size_t n, size_t max)
{
    for (size_t i = 0; i + 2 < len; i++) {
        if (s[i] != '-' || s[i + 1] != '-' || (i > 0 && is_name_char(s[i - 1]))) continue;
        size_t e = i + 2;
        while (e < len && is_name_char(s[e]))
            e++;
        size_t v = e, ve = e;
        if (e + 1 < len && s[e] == ' ' && !strchr("[-|(", s[e + 1])) {
            v = e + 1;
            int depth = 0; /* up to the ']' that closes the option: N[:log] keeps its own */
            for (ve = v; ve < len && s[ve] != ' ' && (s[ve] != ']' || depth); ve++)
                depth += (s[ve] == '[') - (s[ve] == ']');
        }
        n = add(out, n, max, s + i, e - i, s + v, ve - v);
        i = ve;
    }
    return n;
}

/* "  -h, --help", "  --data DIR": the tag of an option line, up to two spaces. */
static size_t tag_options(const char *s, size_t len, cli_option *out, size_t n, size_t max)
{
    const char *gap = NULL;
    for (size_t i = 0; i + 1 < len && !gap; i++)
        if (s[i] == ' ' && s[i + 1] == ' ') gap = s + i;
    const size_t tlen = gap ? (size_t)(gap - s) : len;
    size_t i = 0;
    while (i < tlen) {
        if (s[i] != '-') {
            i++;
            continue;
        }
        size_t e = i;
        while (e < tlen && is_name_char(s[e]))
            e++;
        size_t v = e, ve = e;
        if (e + 1 < tlen && s[e] == ' ' && s[e + 1] != '-') {
            v = e + 1;
            for (ve = v; ve < tlen && s[ve] != ' ' && s[ve] != ','; ve++)
                ;
        }
        n = add(out, n, max, s + i, e - i, s + v, ve - v);
        i = ve + 1;
    }
    return n;
}

/* Calls visit(line, len, kind) for each line: 's' synopsis, 'o' option, 'c' continuation,
 * 'p' paragraph, 'b' blank. */
typedef void (*line_visitor)(void *user, const char *line, size_t len, char kind);

static void each_line(const char *usage, line_visitor visit, void *user)
{
    int synopsis = 1;
    for (const char *p = usage; *p;) {
        const char *eol = strchr(p, '\n');
        const size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char kind;
        if (len == 0)
            kind = 'b', synopsis = 0;
        else if (synopsis)
            kind = 's';
        else if (len > 3 && p[0] == ' ' && p[1] == ' ' && p[2] == '-')
            kind = 'o';
        else if (p[0] == ' ')
            kind = 'c';
        else
            kind = 'p';
        visit(user, p, len, kind);
        p += len + (eol != NULL);
    }
}

typedef struct {
    cli_option *out;
    size_t n, max;
} collect;

static void collect_line(void *user, const char *line, size_t len, char kind)
{
    collect *c = user;
    if (kind == 's')
        c->n = synopsis_options(line, len, c->out, c->n, c->max);
    else if (kind == 'o')
        c->n = tag_options(line + 2, len - 2, c->out, c->n, c->max);
}

size_t cli_usage_options(const char *usage, cli_option *out, size_t max)
{
    collect c = {out, 0, max};
    each_line(usage, collect_line, &c);
    c.n = add(out, c.n, max, "-h", 2, "", 0);
    return add(out, c.n, max, "--help", 6, "", 0);
}

/* "<cmd>: unknown <what> 'word'; did you mean 'x'?" or "...; expected one of a, b, c". */
static int report(const char *cmd, const char *what, const char *shown, size_t shown_len,
                  const char *key, size_t key_len, const char *const *names,
                  const char *const *keys, size_t n)
{
    const char *best = clopt_suggest(key, key_len, keys, n);
    fprintf(stderr, "%s: %s '%.*s'", cmd, what, (int)shown_len, shown);
    for (size_t i = 0; best && i < n; i++)
        if (keys[i] == best) {
            fprintf(stderr, "; did you mean '%s'?\n", names[i]);
            return 2;
        }
    fputs("; expected one of", stderr);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s %s", i ? "," : "", names[i]);
    fputc('\n', stderr);
    return 2;
}

int cli_unknown_option(const char *cmd, const char *arg, const char *usage)
{
    cli_option opts[CLI_MAX_OPTIONS];
    const char *names[CLI_MAX_OPTIONS], *keys[CLI_MAX_OPTIONS];
    const size_t all = cli_usage_options(usage, opts, CLI_MAX_OPTIONS);
    const size_t dashes = strspn(arg, "-");
    const char *word = arg + dashes;
    const size_t len = strcspn(word, "="); /* --name=value names --name */
    size_t n = 0;
    for (size_t i = 0; i < all; i++) {
        const int typed = dashes && strlen(opts[i].name) == dashes + len &&
                          strncmp(opts[i].name, arg, dashes + len) == 0;
        if (typed && word[len] == '=' && !*opts[i].value) {
            fprintf(stderr, "%s: %s takes no value; given '%s'\n", cmd, opts[i].name, arg);
            return 2;
        }
        /* never the option typed itself; and a one-letter typo would "mean" -h */
        if (!typed && strcmp(opts[i].name, "-h") != 0) {
            names[n] = opts[i].name;
            keys[n++] = opts[i].name + strspn(opts[i].name, "-"); /* the words alone */
        }
    }
    /* an argument that is no option is quoted whole, '=' and all */
    return report(cmd, dashes ? "unknown option" : "unexpected argument", arg,
                  dashes ? dashes + len : strlen(arg), word, len, names, keys, n);
}

int cli_unknown_word(const char *cmd, const char *what, const char *word, const char *const *names,
                     size_t n)
{
    char text[64];
    snprintf(text, sizeof text, "unknown %s", what);
    return report(cmd, text, word, strlen(word), word, strlen(word), names, names, n);
}

void cli_roff_text(FILE *out, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        const char c = text[i];
        if (i == 0 && (c == '.' || c == '\'')) fputs("\\&", out);
        if (c == '\\')
            fputs("\\e", out);
        else if (c == '-')
            fputs("\\-", out);
        else
            fputc(c, out);
    }
}

typedef struct {
    FILE *out;
    char last;
} roff;

static size_t skip_spaces(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

/* "-h, --help" as bold names and an italic value. */
static void roff_tag(FILE *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && s[e] != ' ' && s[e] != ',')
            e++;
        fputs(s[i] == '-' ? "\\fB" : "\\fI", out);
        cli_roff_text(out, s + i, e - i);
        fputs("\\fR", out);
        for (i = e; i < len && (s[i] == ' ' || s[i] == ','); i++)
            fputc(s[i], out);
    }
}

static void roff_line(void *user, const char *line, size_t len, char kind)
{
    roff *r = user;
    FILE *out = r->out;
    if (kind == 's') {
        if (r->last != 's') fputs(".nf\n", out);
        const size_t indent = strlen("usage: "); /* the continuation lines line up after it */
        size_t skip = strncmp(line, "usage: ", indent) == 0 ? indent : skip_spaces(line, len);
        if (skip > indent) skip = indent;
        cli_roff_text(out, line + skip, len - skip);
        fputc('\n', out);
    } else if (kind == 'b') {
        if (r->last == 's') fputs(".fi\n", out);
    } else if (kind == 'o') {
        const char *tag = line + 2;
        size_t tlen = 0;
        while (tlen + 1 < len - 2 && !(tag[tlen] == ' ' && tag[tlen + 1] == ' '))
            tlen++;
        if (tlen + 1 >= len - 2) tlen = len - 2;
        fputs(".TP\n", out);
        roff_tag(out, tag, tlen);
        fputc('\n', out);
        const size_t rest = tlen + skip_spaces(tag + tlen, len - 2 - tlen);
        if (rest < len - 2) {
            cli_roff_text(out, tag + rest, len - 2 - rest);
            fputc('\n', out);
        }
    } else if (kind == 'c') {
        const size_t s = skip_spaces(line, len);
        cli_roff_text(out, line + s, len - s);
        fputc('\n', out);
    } else {
        if (r->last != 'p' && r->last != 'c') fputs(".PP\n", out);
        cli_roff_text(out, line, len);
        fputc('\n', out);
    }
    if (kind != 'c' || r->last == 'b') r->last = kind;
}

void cli_usage_roff(FILE *out, const char *usage)
{
    roff r = {out, 'b'};
    each_line(usage, roff_line, &r);
    if (r.last == 's') fputs(".fi\n", out);
}
