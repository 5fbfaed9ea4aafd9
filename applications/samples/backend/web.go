// Scaffolded by harness; yours to edit.

package main

import frontend "github.com/harness-sh/harness/applications/samples"

// The server serves the web page of frontend/ at / beside the API: main
// wraps the API's handler in pages.
func init() { pages = frontend.Handler }
