package lang
import rego.v1
default d := 0
f(x) := y if { y := x * 2 } else := 1
p[k] := v if { some k, v in {"a": 1, "b": [1, {2}]} }
s contains x if { x := [y | y := numbers.range(1, 5)[_]; y % 2 == 0][_] }
o := {k: v | some k in ["x"]; v := sprintf("%v %d %.2f", [k, 3, 1.5])}
e if { every x in [1, 2] { x > 0 } }
n if { not { 1 == 2 } }
w := z if { z := count(input) with input as [1, 2] }
a.b[c].d := 1 if { c := "q" }
big := 123456789012345678901234567890 * 3
