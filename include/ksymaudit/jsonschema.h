/*
 * The version of ksymaudit's JSON report (-j, documented in ksymaudit(1)),
 * defined once: the writer (src/emit/json.c) stamps it, the readers
 * (src/readers/report.c for diff, baseline.c for --baseline, both through
 * jsonread.c) accept it.
 */
#pragma once

/* What -j writes; bump on incompatible changes. */
#define KA_JSON_SCHEMA_VERSION 2
/* The oldest report --baseline reads: 2 added gpl_symbols, targets and
 * score, and what a baseline matches on (the fingerprint's fields) is the
 * same in both. */
#define KA_JSON_SCHEMA_OLDEST_BASELINE 1
/* The oldest report diff reads: 1 had no export table and no facts. */
#define KA_JSON_SCHEMA_OLDEST_REPORT 2
