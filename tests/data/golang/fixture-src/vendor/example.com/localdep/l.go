package localdep

func Name() string { return "cgate" }
