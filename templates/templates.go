// Package templates embeds harness's application templates. Each top-level
// folder is one template; its files are merged into a new application in the
// order the user names templates, `base` first. Files ending in .tmpl are Go
// text/templates rendered with the application's names (and lose the suffix);
// Go sources are always .go.tmpl so that this module never compiles them.
package templates

import "embed"

// FS holds every template folder.
//
//go:embed all:base all:go-server all:webapp all:db-postgres all:db-mongo all:db-neo4j
var FS embed.FS
