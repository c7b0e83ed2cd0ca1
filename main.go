// Command compplan computes network-marketing compensation plans exactly.
package main

import "github.com/compplan/compplan/cmd"

func main() { cmd.Execute() }
