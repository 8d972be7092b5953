//go:build !unix

package provider

import (
	"os"
	"os/exec"
)

// inProcessGroup does nothing where there are no process groups.
func inProcessGroup(*exec.Cmd) {}

// interrupt sends os.Interrupt to the process of cmd.
func interrupt(cmd *exec.Cmd) error {
	return cmd.Process.Signal(os.Interrupt)
}
