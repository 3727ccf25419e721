/*
 * The end of every Check test program's main(): runs suite s in the
 * mode CK_VERBOSITY asks for (each test in a forked process) and returns main()'s exit
 * status.
 */
#pragma once

#include <check.h>
#include <stdlib.h>

static inline int ka_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
