// Package cli builds harness's cobra command tree. The umbrella `harness`
// binary and the CloudHarness-named binaries (harness-application,
// harness-generate, harness-deployment) are thin mains over these same
// constructors, so flags, help and exit codes cannot drift between them.
//
// Commands stay thin: they bind flags onto a verb's options, call its Run and
// print to the writers they were given.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	ExitOK    = 0
	ExitUser  = 1 // bad input: values, specs, names, files
	ExitUsage = 2 // bad command line: unknown flag, wrong argument count
)

// Streams are the writers a command prints to; tests pass buffers.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// StdStreams returns the process's standard streams.
func StdStreams() Streams { return Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr} }

// UsageError marks an error in the command line itself (exit 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// ExitError carries an explicit exit code with an optional message, for
// commands such as `generate --check` that fail without a user error.
type ExitError struct {
	Code int
	Err  error // may be nil: nothing more to print
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitUser
}

// finish configures the shared behaviour of every command in a tree: errors
// are printed once by Execute, flag errors become usage errors.
func finish(cmd *cobra.Command) *cobra.Command {
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &UsageError{Err: fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	for _, c := range cmd.Commands() {
		finish(c)
	}
	return cmd
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int) cobra.PositionalArgs { return usageArgs(cobra.ExactArgs(n)) }

// rangeArgs is cobra.RangeArgs with a usage error.
func rangeArgs(min, max int) cobra.PositionalArgs { return usageArgs(cobra.RangeArgs(min, max)) }

// usageArgs turns an argument check's error into a usage error (exit 2).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &UsageError{Err: fmt.Errorf("%w\nRun '%s --help' for usage.", err, cmd.CommandPath())}
		}
		return nil
	}
}

// Execute runs cmd with args and returns the process exit code, printing any
// error to streams.Err. Interrupts cancel the command's context.
func Execute(cmd *cobra.Command, args []string, s Streams) int {
	return ExecuteContext(context.Background(), cmd, args, s)
}

// ExecuteContext is Execute under ctx, which tests use to reach the
// command's writers (fileset.WithFS).
func ExecuteContext(ctx context.Context, cmd *cobra.Command, args []string, s Streams) int {
	finish(cmd)
	cmd.SetArgs(translateLegacyFlags(args))
	cmd.SetIn(s.In)
	cmd.SetOut(s.Out)
	cmd.SetErr(s.Err)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cmd.ExecuteContext(ctx)
	if err != nil {
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Err != nil {
			fmt.Fprintf(s.Err, "Error: %v\n", err)
		}
		// cobra reports unknown commands and arg errors as plain errors.
		if ExitCode(err) == ExitUser && isCobraUsage(err) {
			return ExitUsage
		}
	}
	return ExitCode(err)
}

func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// legacyFlags are CloudHarness's multi-letter single-dash flags, which
// pflag would read as bundles of one-letter flags (-rs as -r s).
var legacyFlags = map[string]string{
	"-rs":   "--registry-secret",
	"-ex":   "--exclude",
	"-dtls": "--disable-tls",
}

// translateLegacyFlags rewrites CloudHarness's -rs, -ex and -dtls (also
// -rs=VALUE) to their long names, up to a "--".
func translateLegacyFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, value, hasValue := strings.Cut(a, "=")
		if long, ok := legacyFlags[name]; ok {
			if hasValue {
				a = long + "=" + value
			} else {
				a = long
			}
		}
		out = append(out, a)
	}
	return out
}
