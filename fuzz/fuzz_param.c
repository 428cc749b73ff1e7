/* libFuzzer target: the input is one or two `--param PATH=V1,V2,...` arguments, one a line, as
 * `essim sweep` takes them; every point of their grid (at most 4 values each) is loaded as an
 * override of a small scenario (fuzz/param-scenario.cfg, with a funding model), as the sweep
 * loads it.  A bad path or value must be refused with ES_EINVAL and a message, never cut
 * (a seed of 3000000000 once ran as 0) or crash; a value the key table's range refuses points
 * at the scenario. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "io/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TEXT 1024
#define MAX_VALUES_TRIED 4

static es_scenario scenario; /* about 1 MB: not on the stack */

static void check(int rc, const es_error *err, const char *what)
{
    if (rc == ES_OK || (rc == ES_EINVAL && err->msg[0]))
        return;
    char msg[2048];
    fprintf(stderr, "fuzz: %s: status %d with error \"%s\"\n", what, rc,
            es_error_format(err, msg, sizeof msg));
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[MAX_TEXT + 1];
    size_t n = size < MAX_TEXT ? size : MAX_TEXT;
    memcpy(text, data, n);
    text[n] = '\0';
    static es_sweep_param params[ES_MAX_SWEEP_PARAMS];
    int nparams = 0;
    es_error err;
    for (char *line = text, *next; line && nparams < ES_MAX_SWEEP_PARAMS; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        es_error_clear(&err);
        int rc = es_sweep_param_parse(&params[nparams], line, &err);
        check(rc, &err, "es_sweep_param_parse");
        if (rc)
            return 0;
        nparams++;
    }
    if (nparams == 0)
        return 0;
    int n1 = params[0].nvalues < MAX_VALUES_TRIED ? params[0].nvalues : MAX_VALUES_TRIED;
    int n2 = nparams < 2 ? 1 : params[1].nvalues < MAX_VALUES_TRIED ? params[1].nvalues
                                                                     : MAX_VALUES_TRIED;
    for (int j = 0; j < n2; j++)
        for (int i = 0; i < n1; i++) {
            es_override ov[ES_MAX_SWEEP_PARAMS];
            for (int k = 0; k < nparams; k++) {
                snprintf(ov[k].path, sizeof ov[k].path, "%s", params[k].path);
                snprintf(ov[k].value, sizeof ov[k].value, "%s", params[k].values[k ? j : i]);
            }
            es_error_clear(&err);
            int rc = es_scenario_load_with(&scenario, ESSIM_SOURCE_DIR "/fuzz/param-scenario.cfg",
                                           ov, nparams, &err);
            check(rc, &err, "es_scenario_load_with");
        }
    return 0;
}
