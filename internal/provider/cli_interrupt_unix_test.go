//go:build unix

package provider

import (
	"os/exec"
	"syscall"
)

// inProcessGroup makes cmd start a process group of its own, for interrupt.
func inProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interrupt sends SIGINT to the process group of cmd, as Ctrl-C in a terminal does. Signalling the
// process alone is not the same: Terraform 1.0 runs as two processes (panicwrap), and the parent,
// the one started, ignores the signal and leaves it to the child, which only the group's signal
// reaches.
func interrupt(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
}
