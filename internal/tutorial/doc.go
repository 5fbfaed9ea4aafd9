// Package tutorial keeps docs/tutorial.md true: its test runs the tutorial's
// commands, in order, in an empty folder, with harness's commands built from
// this checkout, and checks what they print.
//
// The package reads the tutorial into steps (Parse): each ```sh block is a
// command to run, and an HTML comment alone on its line, `<!-- test: VERB
// ... -->`, says what to do with the block or table below it: the output the
// previous command must print (output), a file the reader writes (file) or
// pastes into (insert), a command left running (background) until Ctrl-C
// (interrupt), a table of who owns which file (owners), a command that needs
// a cluster (skip). The convention is written down again at the top of
// docs/tutorial.md, for its editors. Match, InsertAfter and OwnerOf are what the
// test does with output, insert and owners steps.
package tutorial
