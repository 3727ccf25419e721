/*
 * Test driver for tests/tree: runs the tree and explain commands the way
 * main.c dispatches them, so these tests do not depend on the command
 * table.
 */
#include <stdio.h>
#include <string.h>

#include "ksymaudit/cmd.h"

int main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "tree") == 0)
		return ka_cmd_tree.handler(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "explain") == 0)
		return ka_cmd_explain.handler(argc - 1, argv + 1);
	fprintf(stderr, "usage: %s tree|explain [ARGS]\n", argv[0]);
	return 2;
}
