package oldlog

func Prefix() string { return " from " }
