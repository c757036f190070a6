# GpuNet's main job on Windows/PowerShell (see run.sh for the same on Linux/macOS):
#   ./run.ps1            build and train the default MLP on Fashion-MNIST on the best device
#   ./run.ps1 ARGS...    the same, with extra `gpunet train` options
#   ./run.ps1 test       run the test suite
#   ./run.ps1 test --fast  the same without the tests tagged [Slow] (Category=Slow)
#   ./run.ps1 install    pack the CLI as a .NET tool into .pack/ and install it for the user (`gpunet` in a new shell);
#                        --tool-path DIR installs into DIR
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

if ($args.Count -gt 0 -and $args[0] -eq 'install') {
    $where = @('--global')
    if ($args.Count -eq 3 -and $args[1] -eq '--tool-path') { $where = @('--tool-path', $args[2]) }
    elseif ($args.Count -ne 1) { [Console]::Error.WriteLine("run.ps1 install: unknown arguments (only --tool-path DIR)"); exit 2 }
    # A new version each time: NuGet caches a package by id and version, so a re-pack under the same one would install the old bits.
    $version = '0.1.0-local.' + [DateTime]::UtcNow.ToString('yyyyMMddHHmmss')
    Remove-Item -Path '.pack/GpuNet.Cli.*.nupkg' -ErrorAction SilentlyContinue
    dotnet pack src/GpuNet.Cli/GpuNet.Cli.csproj -c Release --nologo -v quiet -clp:ErrorsOnly -p:Version=$version
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    $verb = 'install'
    if (dotnet tool list @where | Where-Object { ($_ -split '\s+')[0] -eq 'gpunet.cli' }) { $verb = 'update' }
    dotnet tool $verb @where --add-source .pack --ignore-failed-sources --allow-downgrade --version $version GpuNet.Cli
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    if ($where[0] -eq '--global') {
        $cliHome = if ($env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME } else { $HOME }
        $tools = Join-Path $cliHome '.dotnet/tools'
        if (-not (($env:PATH -split [IO.Path]::PathSeparator) -contains $tools)) {
            Write-Output "run.ps1: $tools is not on your PATH; add it (your profile, or the user's Path variable) to run gpunet from any shell"
        }
    }
    exit 0
}

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
