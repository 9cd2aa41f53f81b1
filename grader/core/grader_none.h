/*
 * grader_none.h - nothing: what a suite includes in place of its hidden
 * items (GRADER_HIDDEN_TESTS, GRADER_HIDDEN_ITEMS in grader.h) when the
 * tree has none for its lab.
 */
