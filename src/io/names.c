#include "io/names.h"

#include <stdio.h>
#include <string.h>

#include "funding/funding.h"
#include "io/schema.h"
#include "model/client.h"
#include "model/events.h"

long es_utf8_decode(const unsigned char *s, size_t len, int *n)
{
    *n = 1;
    unsigned c = s[0];
    if (c < 0x80)
        return (long)c;
    int k;
    long cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        k = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        k = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return -1; /* a continuation byte, an overlong lead (C0, C1) or beyond U+10FFFF */
    }
    if ((size_t)k > len)
        return -1;
    for (int i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1; /* overlong, too large, or a surrogate */
    *n = k;
    return cp;
}

const char *es_name_fault(const char *name, size_t len, char *why, size_t whylen)
{
    if (len == 0)
        return "is empty";
    bool blank = true;
    for (size_t i = 0; i < len;) {
        int n;
        long cp = es_utf8_decode((const unsigned char *)name + i, len - i, &n);
        if (cp < 0) {
            snprintf(why, whylen, "is not valid UTF-8 (byte %zu)", i + 1);
            return why;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            snprintf(why, whylen, "holds a control character (U+%04lX, byte %zu)", cp, i + 1);
            return why;
        }
        if (cp != ' ')
            blank = false;
        i += (size_t)n;
    }
    return blank ? "holds only spaces" : NULL;
}

const char *es_name_shown(const char *name, char *buf, size_t len)
{
    if (len < 4) {
        if (len)
            buf[0] = '\0';
        return buf;
    }
    size_t o = 0, in = strlen(name);
    for (size_t i = 0; i < in;) {
        int n;
        long cp = es_utf8_decode((const unsigned char *)name + i, in - i, &n);
        char piece[8];
        size_t k;
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            n = 1;
            k = (size_t)snprintf(piece, sizeof piece, "\\x%02X", (unsigned char)name[i]);
        } else {
            k = (size_t)n;
            memcpy(piece, name + i, k);
        }
        if (o + k > len - 4) { /* room for "..." and the NUL */
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(buf + o, piece, k);
        o += k;
        i += (size_t)n;
    }
    buf[o] = '\0';
    return buf;
}

int es_name_check(const char *name, const char *what, const char *file, int line,
                  es_error *err)
{
    char why[64];
    const char *fault = es_name_fault(name, strlen(name), why, sizeof why);
    if (!fault)
        return ES_OK;
    char shown[80];
    return es_error_set(err, ES_EINVAL, file, line, "%s \"%s\" %s: a name must be UTF-8 text "
                        "without control characters", what, es_name_shown(name, shown, sizeof shown),
                        fault);
}

int es_name_check_at(const config_setting_t *setting, const char *name, const char *what,
                     const char *file, es_error *err)
{
    char why[64];
    const char *fault = es_name_fault(name, strlen(name), why, sizeof why);
    if (!fault)
        return ES_OK;
    char shown[80];
    return es_schema_error(err, setting, file, "%s \"%s\" %s: a name must be UTF-8 text without "
                           "control characters", what, es_name_shown(name, shown, sizeof shown), fault);
}

static bool in(const char *name, const char *const *list, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

bool es_name_reserved(const char *name)
{
    static const char *const labels[] = {"all", "social assistance", "other clients",
                                         "not client-specific", "holdback_release"};
    return in(name, labels, (int)(sizeof labels / sizeof labels[0])) ||
           in(name, es_source_names, ES_NSOURCES) || in(name, es_channel_names, ES_NCHANNELS) ||
           in(name, es_closure_names, ES_NCLOSURES) || in(name, es_party_names, ES_NPARTIES);
}
