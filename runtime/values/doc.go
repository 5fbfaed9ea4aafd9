// Package values is the Go model of CloudHarness values: the root values of a
// deployment (the chart's values.yaml, deployment-configuration files, the
// all-values file a pod reads) and each application's values (a `harness:`
// section with a meaning to harness, beside free values of the app's own).
//
// One model serves the generator, the chart's values.schema.json, the values
// reference and the runtime library, so these types are the only description
// of the format. Their meaning follows CloudHarness's schema
// (libraries/models/api/openapi.yaml in CloudHarness) and what its chart and
// tools read; keys that CloudHarness's own values files use beyond that schema
// are accepted too.
//
// Decoding goes through yaml.v3 nodes: a walker checks each mapping against
// the Go types before anything is decoded, so a mistake is reported as
// `file:line: key.path: what is wrong`. Inside `harness:` an unknown key is an
// error in Strict mode (with a suggestion when a known key is close), or
// reported to Options.Unknown and kept; outside it keys are free. Lenient mode, for the runtime reading a file the CLI has
// already checked, accepts unknown keys everywhere.
package values
