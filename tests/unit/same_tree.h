/* Output folders compared byte for byte, but for the lines that say when they were written:
 * for tests that write the same job two ways (tests/unit/test_reentrant.c,
 * test_experiment_spill.c).  Include after <cmocka.h>, <dirent.h>, <ftw.h>, <sys/stat.h>. */
#ifndef ES_TEST_SAME_TREE_H
#define ES_TEST_SAME_TREE_H

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

/* Lines that say when the folder was written and how long it took (and, in the manifest, the
 * digests of the report.html files, top level and per model, which carry the time): the only
 * bytes two runs may differ in. */
static int timed_line(const char *line, size_t len)
{
    static const char *const marks[] = {"\"created_utc\"", "\"wall_seconds\"", "report.html\"",
                                        "; written 20"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        size_t m = strlen(marks[i]);
        for (size_t k = 0; k + m <= len; k++)
            if (memcmp(line + k, marks[i], m) == 0)
                return 1;
    }
    return 0;
}

/* The same bytes, line by line, but for timed lines. */
static void assert_same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    if (!x || !y)
        fail_msg("cannot read %s or %s", a, b);
    const char *p = x, *q = y, *pe = x + na, *qe = y + nb;
    int line = 1;
    while (p < pe || q < qe) {
        const char *pn = memchr(p, '\n', (size_t)(pe - p)), *qn = memchr(q, '\n', (size_t)(qe - q));
        size_t lp = pn ? (size_t)(pn - p) : (size_t)(pe - p);
        size_t lq = qn ? (size_t)(qn - q) : (size_t)(qe - q);
        if (!(timed_line(p, lp) && timed_line(q, lq)) && (lp != lq || memcmp(p, q, lp) != 0))
            fail_msg("%s and %s differ at line %d", a, b, line);
        p += lp + (pn != NULL);
        q += lq + (qn != NULL);
        line++;
    }
    free(x);
    free(y);
}

/* Every file under folder a has its twin under b, and b has no others. */
static int compare_trees(const char *a, const char *b)
{
    DIR *d = opendir(a);
    if (!d)
        fail_msg("cannot open %s", a);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char pa[1200], pb[1200];
        snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
        struct stat sa, sb;
        assert_int_equal(stat(pa, &sa), 0);
        if (stat(pb, &sb) != 0)
            fail_msg("%s has no twin %s", pa, pb);
        if (S_ISDIR(sa.st_mode))
            files += compare_trees(pa, pb);
        else {
            assert_same_file(pa, pb);
            files++;
        }
    }
    closedir(d);
    return files;
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

#endif
