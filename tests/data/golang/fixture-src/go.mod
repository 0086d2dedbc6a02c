module example.com/cgate-fixture

go 1.19

require (
	example.com/greet v1.2.3
	example.com/oldlog v1.0.0
	example.com/localdep v0.1.0
)

replace example.com/oldlog v1.0.0 => example.com/newlog v1.1.0

replace example.com/localdep => ./localdep
