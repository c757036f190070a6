# GpuNet's main job on Windows/PowerShell (see run.sh for the same on Linux/macOS):
#   ./run.ps1            build and train the default MLP on Fashion-MNIST on the best device
#   ./run.ps1 ARGS...    the same, with extra `gpunet train` options
#   ./run.ps1 test       run the test suite
#   ./run.ps1 test --fast  the same without the tests tagged [Slow] (Category=Slow)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    $rest = @($args | Select-Object -Skip 1)
    if ($rest.Count -gt 0 -and $rest[0] -eq '--fast') {
        $rest = @('--filter-not-trait', 'Category=Slow') + @($rest | Select-Object -Skip 1)
    }
    dotnet test --project tests/GpuNet.Tests/GpuNet.Tests.csproj -c Release @rest
    exit $LASTEXITCODE
}

dotnet build src/GpuNet.Cli/GpuNet.Cli.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

$places = @($env:GPUNET_DATA, (Join-Path $HOME '.cache/gpunet/fashion-mnist'), '/usr/share/datasets/fashion-mnist') | Where-Object { $_ }
$found = $places | Where-Object { (Test-Path (Join-Path $_ 'train-images-idx3-ubyte*')) -or (Test-Path (Join-Path $_ 'fashion-mnist/train-images-idx3-ubyte*')) }
if (-not $found) {
    Write-Error ("Fashion-MNIST not found. Put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, " +
        "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz in $(Join-Path $HOME '.cache/gpunet/fashion-mnist') " +
        "or in a folder named by `$env:GPUNET_DATA (on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist).")
    exit 1
}

$gpunet = 'src/GpuNet.Cli/bin/Release/net10.0/gpunet.dll'
# --resume continues a run with the options it recorded: nothing may be added to it.
if ($args -contains '--resume') {
    dotnet $gpunet train @args
    exit $LASTEXITCODE
}
# The recipe; an option the caller gives replaces its default (System.CommandLine takes each once).
$defaults = [ordered]@{
    '--data' = 'fashion-mnist'; '--model' = 'mlp'; '--hidden' = '256'; '--activation' = 'relu'
    '--epochs' = '10'; '--batch-size' = '128'; '--lr' = '0.05'; '--momentum' = '0.9'; '--lr-schedule' = 'cosine'
    '--device' = 'auto'; '--seed' = '0'
}
$recipe = foreach ($key in $defaults.Keys) { if ($args -notcontains $key) { $key; $defaults[$key] } }
# Each run gets its own folder, as PyTorch Lightning's version_N: runs/default, then runs/default-2, ...
if ($args -notcontains '--out') {
    $out = 'runs/default'; $n = 1
    while (Test-Path $out) { $n++; $out = "runs/default-$n" }
    $recipe += @('--out', $out)
}
dotnet $gpunet train @recipe @args
exit $LASTEXITCODE
