using FedLab.Data;
using FedLab.Engine.Datasets;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using FedLab.Web.Api;
using FedLab.Web.Components.Charts;
using FedLab.Web.Components.Forms;
using FedLab.Web.Datasets;
using FedLab.Web.Queue;
using FedLab.Web.Specs;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace FedLab.Web.Components.Pages;

/// <summary>
/// The New run form over the one run spec. Every change re-validates with <see cref="RunSpecChecker"/> (the
/// engine's parser and validator, as the API and CLI use) and shows each message at its field; partition
/// changes refresh the label-histogram preview. Starts a run, or an experiment of one run per framework.
/// </summary>
public sealed partial class NewRun : IDisposable
{
    public static readonly TimeSpan PreviewDelay = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _cts = new();
    // The centralized reference is ticked too: without it nobody can tell whether the task is learnable at all.
    private readonly HashSet<string> _experimentFrameworks = [.. CompareAllFrameworks];

    /// <summary>What the compare-all preset runs: every federated framework and the centralized reference.</summary>
    public static IEnumerable<string> CompareAllFrameworks =>
        [.. FrameworkCatalog.Federated.Select(f => f.Kind), .. FrameworkCatalog.All.Where(f => !f.IsFederated).Select(f => f.Kind)];
    private SpecFormContext _form = default!;
    private LabelHistogramChart? _previewChart;
    private PartitionPreview? _preview;
    private double _skew;
    private int _previewVersion;
    private int _previewShownVersion;

    /// <summary>A newer preview has been asked for than the one on screen.</summary>
    private bool PreviewPending => _previewShownVersion != _previewVersion;
    private string? _loadProblem;
    private string? _uploadMessage;
    private bool _uploadOk;
    private bool _uploading;
    private MudBlazor.MudFileUpload<IBrowserFile>? _fileUpload;
    private bool _submitting;
    private IReadOnlyList<ApiError> _experimentErrors = [];
    private List<FieldOption> _uploadedDatasets = [];

    [SupplyParameterFromQuery(Name = "clone")]
    public Guid? Clone { get; set; }

    /// <summary>With <see cref="Clone"/>: start from that run's weights after this round (the spec's fork section).</summary>
    [SupplyParameterFromQuery(Name = "fork")]
    public int? Fork { get; set; }

    [SupplyParameterFromQuery(Name = "preset")]
    public string? Preset { get; set; }

    [Inject] private RunSpecChecker Checker { get; set; } = default!;
    [Inject] private PartitionPreviewer Previewer { get; set; } = default!;
    [Inject] private DatasetUploads Uploads { get; set; } = default!;
    [Inject] private RunQueue Queue { get; set; } = default!;
    [Inject] private RunStore Store { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private Microsoft.Extensions.Options.IOptions<FedLabSettings> Settings { get; set; } = default!;

    /// <summary>The form's context (tests drive and inspect it).</summary>
    public SpecFormContext Form => _form;

    private bool GenerativeTask => _form.Draft.GetString("task.kind") == "generative";

    // Bundled encoders (not for a generative task, which needs a decoder), the tiny random
    // decoders, then the local Hugging Face folders registered in appsettings.json (FedLab:Models).
    private IReadOnlyList<FieldOption> ModelOptions =>
    [
        .. GenerativeTask ? [] : ModelCatalog.All.Select(m => new FieldOption(m.Id, $"{m.Id}: {m.DisplayName}")),
        .. Engine.Models.Decoder.TinyDecoderModels.Ids.Select(id => new FieldOption(id, $"{id}: tiny random decoder (2 layers, hidden 64) for trying decoders")),
        .. ModelCatalog.RegisteredFolders.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new FieldOption(kv.Key, $"{kv.Key}: local folder {kv.Value}")),
        .. _form.Draft.GetString("model") is string m && ModelCatalog.All.All(e => e.Id != m) && !ModelCatalog.RegisteredFolders.ContainsKey(m) ? [new FieldOption(m, m)] : Array.Empty<FieldOption>(),
    ];
    private static IReadOnlyList<FieldOption> DeviceOptions { get; } = [new("auto", "auto (CUDA if present)"), new("cpu", "cpu"), new("cuda", "cuda")];
    private static IReadOnlyList<FieldOption> PartitionOptions { get; } = [new("iid", "IID"), new("dirichlet", "Dirichlet label skew"), new("shards", "Shards (few labels per client)")];
    private static IReadOnlyList<FieldOption> FrameworkOptions { get; } = [.. FrameworkCatalog.All.Select(f => new FieldOption(f.JsonName, f.DisplayName))];
    private static IReadOnlyList<FieldOption> FineTuneOptions { get; } = [new("lora", "LoRA adapters + head"), new("full", "all weights"), new("head-only", "classification head only")];
    // The chosen model's family names the targets (BERT: query, value, ...; decoders: PEFT's q_proj, ..., down_proj).
    private IReadOnlyList<FieldOption> TargetOptions =>
        [.. (ModelCatalog.Find(_form.Draft.GetString("model") ?? "")?.Family.LoraTargetNames ?? RunSpecValidator.LoraTargetNames).Select(t => new FieldOption(t, t))];

    private IReadOnlyList<FieldOption> DatasetOptions =>
    [
        .. DatasetCatalog.BundledNames.Where(n => Engine.Tasks.Generative.InstructionDatasets.IsBundled(n) == GenerativeTask).Select(n => new FieldOption(n, $"{n} (bundled)")),
        .. _uploadedDatasets,
        .. CurrentIfOther(),
    ];

    private string LocalWork => _form.Draft.Get("training.localEpochs") is not null && _form.Draft.Get("training.localSteps") is null ? "epochs" : "steps";

    protected override async Task OnInitializedAsync()
    {
        _form = new SpecFormContext(SpecDraft.From(Presets.Default), OnFieldChangedAsync);
        _uploadedDatasets = ListUploads();
        if (Clone is Guid id)
        {
            var detail = await Store.GetRunAsync(id, _cts.Token);
            if (detail is null)
            {
                _loadProblem = $"There is no run {id} to clone; starting from the defaults.";
            }
            else
            {
                _form.Draft = SpecDraft.FromJson(detail.SpecJson);
                _form.Draft.SetString("name", Truncate(detail.Summary.Name + (Fork is int k ? $" (fork at round {k})" : " (copy)")));
                if (Fork is int round)
                {
                    _form.Draft.Set("fork", new System.Text.Json.Nodes.JsonObject { ["run"] = id.ToString("D"), ["round"] = round });
                }
            }
        }
        else if (Preset == "quick")
        {
            _form.Draft = SpecDraft.From(Presets.QuickDemo);
        }
        else if (Preset == "compare")
        {
            _form.Draft = SpecDraft.From(Presets.CompareBase);
        }
        Validate();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await RefreshPreviewAsync();
        }
    }

    private async Task OnFieldChangedAsync(string path)
    {
        if (path == "model")
        {
            KeepLoraTargetsOfTheFamily();
        }
        Validate();
        StateHasChanged();
        if (path.StartsWith("dataset.", StringComparison.Ordinal) || path.StartsWith("partition.", StringComparison.Ordinal) || path == "seed")
        {
            await RefreshPreviewAsync();
        }
    }

    /// <summary>
    /// A model of another family keeps the targets it shares; when none is shared, the usual query and value pair
    /// (BERT query, value; Llama and Qwen q_proj, v_proj; GPT-2's fused c_attn).
    /// </summary>
    private void KeepLoraTargetsOfTheFamily()
    {
        if (ModelCatalog.Find(_form.Draft.GetString("model") ?? "")?.Family.LoraTargetNames is not { } names)
        {
            return;
        }
        var kept = _form.Draft.GetStrings("fineTune.lora.targets").Where(names.Contains).ToList();
        var usual = names.Where(n => n is "query" or "value" or "q_proj" or "v_proj" or "c_attn").ToList();
        var targets = kept.Count > 0 ? kept : usual.Count > 0 ? usual : [names[0]];
        _form.Draft.Set("fineTune.lora.targets", new System.Text.Json.Nodes.JsonArray([.. targets.Select(t => System.Text.Json.Nodes.JsonValue.Create(t))]));
    }

    private void Validate()
    {
        var (_, errors) = Checker.Check(_form.Draft.ToJson());
        _form.SetErrors(errors);
        _experimentErrors = [];
    }

    /// <summary>Computes the partition off the circuit's thread; a newer change supersedes an older preview.</summary>
    private async Task RefreshPreviewAsync()
    {
        int version = ++_previewVersion;
        await Task.Delay(PreviewDelay, _cts.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        if (version != _previewVersion || _cts.IsCancellationRequested)
        {
            return;
        }
        RunSpec spec;
        try
        {
            spec = RunSpecJson.Parse(_form.Draft.ToJson());
        }
        catch (RunSpecException)
        {
            _preview = PartitionPreview.Failed("Fix the fields marked above to see the preview.");
            _previewShownVersion = version;
            StateHasChanged();
            return;
        }
        var preview = await Task.Run(() => Previewer.Preview(spec), _cts.Token);
        if (version != _previewVersion)
        {
            return;
        }
        _preview = preview;
        _skew = preview.Problem is null && preview.Histograms.Count > 0
            ? FedLab.Engine.Datasets.Partitioner.MeanLabelSkew(new ClientPartition([.. preview.Histograms.Select(_ => Array.Empty<int>())], preview.Histograms), preview.ClassNames.Count)
            : 0;
        if (_previewChart is not null)
        {
            await _previewChart.ShowAsync(preview.ClassNames, preview.Histograms);
        }
        _previewShownVersion = version;
        StateHasChanged();
    }

    private async Task SetLocalWorkAsync(string mode)
    {
        if (mode == LocalWork)
        {
            return;
        }
        // Exactly one of the two is set: switching moves to the other with a sensible start value.
        if (mode == "epochs")
        {
            _form.Draft.Set("training.localSteps", null);
            _form.Draft.SetNumber("training.localEpochs", 1);
        }
        else
        {
            _form.Draft.Set("training.localEpochs", null);
            _form.Draft.SetNumber("training.localSteps", 10);
        }
        await OnFieldChangedAsync("training");
    }

    private async Task ApplyQuickDemoAsync()
    {
        _form.Draft = KeepDataset(SpecDraft.From(Presets.QuickDemo), _form.Draft);
        Validate();
        await RefreshPreviewAsync();
    }

    private async Task ApplyCompareAsync()
    {
        _form.Draft = KeepDataset(SpecDraft.From(Presets.CompareBase), _form.Draft);
        _experimentFrameworks.Clear();
        _experimentFrameworks.UnionWith(CompareAllFrameworks);
        Validate();
        Snackbar.Add($"Compare preset: press \"Start experiment\" to run it once per framework ({string.Join(", ", CompareAllFrameworks.Select(FrameworkCatalog.DisplayName))}).", Severity.Info);
        await RefreshPreviewAsync();
    }

    private void ToggleFramework(string kind, bool on)
    {
        if (on)
        {
            _experimentFrameworks.Add(kind);
        }
        else
        {
            _experimentFrameworks.Remove(kind);
        }
    }

    private async Task StartRunAsync()
    {
        var (spec, errors) = Checker.Check(_form.Draft.ToJson());
        _form.SetErrors(errors);
        if (spec is null || errors.Count > 0)
        {
            return;
        }
        _submitting = true;
        try
        {
            var id = await Queue.EnqueueAsync(spec, null, _cts.Token);
            Snackbar.Clear(); // the form's hints would cover the next page's buttons
            Navigation.NavigateTo($"/runs/{id}");
        }
        catch (QueueFullException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
        finally
        {
            _submitting = false;
        }
    }

    private async Task StartExperimentAsync()
    {
        var (spec, errors) = Checker.Check(_form.Draft.ToJson(everyFramework: true));
        _form.SetErrors(errors);
        if (spec is null || errors.Count > 0)
        {
            return;
        }
        var specs = ExperimentPlan.ForFrameworks(spec, FrameworkCatalog.All.Select(f => f.Kind).Where(_experimentFrameworks.Contains));
        _experimentErrors = [.. specs.SelectMany(s => Checker.Validate(s).Select(e => new ApiError(e.Field, $"{e.Message} (with {FrameworkCatalog.Get(s.Framework).DisplayName})")))];
        if (_experimentErrors.Count > 0)
        {
            return;
        }
        _submitting = true;
        try
        {
            var (_, ids) = await Queue.EnqueueExperimentAsync(spec.Name, $"{specs.Count} frameworks on one base spec", specs, _cts.Token);
            Snackbar.Clear(); // the form's hints would cover the next page's buttons
            Navigation.NavigateTo("/compare?ids=" + string.Join(",", ids));
        }
        catch (QueueFullException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
        finally
        {
            _submitting = false;
        }
    }

    private async Task UploadAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }
        _uploading = true;
        _uploadMessage = null;
        try
        {
            if (file.Size > Uploads.MaxBytes)
            {
                (_uploadOk, _uploadMessage) = (false, $"{file.Name}: the file is {file.Size / 1e6:F1} MB; the limit is {Uploads.MaxBytes / 1e6:F1} MB (FedLab:MaxUploadBytes)");
                return;
            }
            await using var stream = file.OpenReadStream(Uploads.MaxBytes + 1, _cts.Token);
            var result = await Uploads.SaveAsync(file.Name, stream, file.Size, _cts.Token);
            if (result.Dataset is { } dataset)
            {
                _uploadedDatasets = ListUploads();
                string limits = AdoptDataset(_form.Draft, dataset.Name);
                string again = dataset.AlreadyUploaded ? $" The same content was already uploaded as {DatasetReference.Label(dataset.Name)}; that entry is used." : "";
                (_uploadOk, _uploadMessage) = (true, $"{dataset.FileName}: {dataset.Rows:N0} rows, {dataset.ClassNames.Count} classes ({string.Join(", ", dataset.ClassNames.Take(8))}{(dataset.ClassNames.Count > 8 ? ", …" : "")}); {dataset.Train} train / {dataset.Test} test. {limits}{again}");
                await OnFieldChangedAsync("dataset.name");
            }
            else
            {
                (_uploadOk, _uploadMessage) = (false, $"{file.Name}: {result.Problem}");
            }
        }
        finally
        {
            _uploading = false;
            // Forget the chosen file whatever happened: a refused file is not shown as attached, and choosing the
            // same (fixed) file again is a new choice.
            if (_fileUpload is not null)
            {
                await _fileUpload.ClearAsync();
            }
        }
    }

    /// <summary>
    /// Points the form at a newly chosen dataset file and resets the limits the previous choice (the demo's 1,200 train,
    /// 300 test, 48 tokens) would otherwise silently impose on it; says what it reset.
    /// </summary>
    public static string AdoptDataset(SpecDraft draft, string name)
    {
        var before = $"train limit {draft.Get("dataset.trainLimit")?.ToString() ?? "all"}, test limit {draft.Get("dataset.testLimit")?.ToString() ?? "all"}, max tokens {draft.Get("dataset.maxTokens")?.ToString() ?? "default"}";
        draft.SetString("dataset.name", name);
        draft.Set("dataset.trainLimit", null);
        draft.Set("dataset.testLimit", null);
        draft.SetNumber("dataset.maxTokens", new DatasetSpec { Name = name }.MaxTokens);
        return $"The form now uses all of it with {new DatasetSpec { Name = name }.MaxTokens} tokens per example (it had {before}); set limits below to use less.";
    }

    /// <summary>A preset keeps the dataset the user chose (with its own sizes when it is a file of theirs).</summary>
    private static SpecDraft KeepDataset(SpecDraft preset, SpecDraft current)
    {
        if (current.GetString("dataset.name") is { } chosen && !string.IsNullOrWhiteSpace(chosen) && chosen != preset.GetString("dataset.name"))
        {
            if (DatasetCatalog.IsBundled(chosen))
            {
                preset.SetString("dataset.name", chosen);
            }
            else
            {
                AdoptDataset(preset, chosen);
            }
        }
        return preset;
    }

    private List<FieldOption> ListUploads() =>
        [.. Uploads.List().Select(u => new FieldOption(u.Reference, u.FileName + " (uploaded)"))];

    private IEnumerable<FieldOption> CurrentIfOther()
    {
        var current = _form.Draft.GetString("dataset.name");
        if (current is null || DatasetCatalog.IsBundled(current) || _uploadedDatasets.Any(o => o.Value == current))
        {
            return [];
        }
        return [new FieldOption(current, DatasetReference.Label(current))];
    }

    private static string Truncate(string name) => name.Length <= 200 ? name : name[..200];

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
