// The namespaces most commands, displays and plots read, declared once for the project instead of atop each file.
// Spectre.Console and ScottPlot stay per file: both name a Color, and only the files that draw need either.
global using System.CommandLine;
global using System.Globalization;
global using GpuNet.Backends;
global using GpuNet.Checkpoints;
global using GpuNet.Data;
global using GpuNet.Devices;
global using GpuNet.Kernels;
global using GpuNet.Nn;
global using GpuNet.Training;
