// The least a .NET program does: start the runtime, write a line, exit.
Console.WriteLine("hello");
