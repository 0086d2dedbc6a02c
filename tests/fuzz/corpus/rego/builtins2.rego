package b2
import rego.v1

y := yaml.unmarshal("a: [1, yes, ~, \"s\"]\nb: &x {c: 1}\nd: *x\n")
ym := yaml.marshal({"k": [1, {"n": null, "s": "a: b"}], "e": {}})
yv := yaml.is_valid("a: [")
bi := [bits.and(7, 9), bits.or(5, 8), bits.xor(6, 3), bits.negate(42), bits.lsh(1, 70), bits.rsh(-8, 1)]
rt := strings.render_template("{{range $i, $v := .l}}{{if $i}},{{end}}{{$v}}{{else}}none{{end}} {{with .o}}{{.k}}{{end}} {{.missing}}", {"l": [1, 2], "o": {"k": "v"}})
tz := [time.date([1517814000000000000, "America/Los_Angeles"]), time.clock([0, "Asia/Kolkata"]),
	time.format([4102444800000000000, "Australia/Sydney", "Mon Jan _2 15:04:05.000 MST -07:00 2006"]),
	time.add_date([1699999999000000000, "America/New_York"], 0, 4, 0),
	time.diff([0, "UTC"], [86400000000000, "Europe/Berlin"]), time.weekday([0, "Pacific/Kiritimati"])]
bad := time.date([0, "../../etc/passwd"])
p if q
q if not r
r := count([x | some x in [1]])
