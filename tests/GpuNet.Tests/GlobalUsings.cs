// The library's namespaces that test files open again and again (and Xunit, which the project file opens),
// opened once here so that no file starts with the same block of using lines.
global using GpuNet.Backends;
global using GpuNet.Backends.Ilgpu;
global using GpuNet.Checkpoints;
global using GpuNet.Data;
global using GpuNet.Devices;
global using GpuNet.Kernels;
global using GpuNet.Nn;
global using GpuNet.Optim;
global using GpuNet.Reference;
global using GpuNet.Tests.TestSupport;
global using GpuNet.Training;
global using System.Text.Json;
