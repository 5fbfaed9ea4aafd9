module github.com/harness-sh/harness

go 1.26.0

require (
	github.com/spf13/cobra v1.10.2
	golang.org/x/mod v0.42.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
)

require github.com/harness-sh/harness/runtime v0.0.0

replace github.com/harness-sh/harness/runtime => ./runtime
