using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Tasks;
using FedLab.Engine.Tasks.Generative;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Tasks.Generative;

public sealed class GenerativeRunTests
{
    [Fact]
    public void AGenerativeRun_ReportsAnswerLoss_Perplexity_AndExactMatch_EveryRound()
    {
        var spec = GenerativeSpecs.FedLlm(TinyDecoders.Llama, rounds: 3) with { Training = GenerativeSpecs.FedLlm(TinyDecoders.Llama).Training with { Rounds = 3, LocalSteps = 4, LearningRate = 0.02 } };
        var result = TinySpecs.Run(spec);

        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal(4, result.Rounds.Count);
        foreach (var round in result.Rounds)
        {
            var extra = round.Extra!;
            Assert.Equal(round.Global.Loss, extra[EvaluationExtras.TestLoss]);
            Assert.Equal(Math.Exp(round.Global.Loss), extra[EvaluationExtras.TestPerplexity], 9);
            Assert.Equal(round.Global.Accuracy, extra[EvaluationExtras.TestExactMatch]);
            Assert.True(double.IsNaN(round.Global.MacroF1), "a generative run has no classes to average an F1 over");
            Assert.InRange(round.Global.Accuracy, 0, 1);
            Assert.True(extra.ContainsKey("validation.perplexity"));
        }
        // The answers are "yes"/"no" then the end token: a few steps of training already lower the loss on them.
        Assert.True(result.Rounds[^1].Global.Loss < result.Rounds[0].Global.Loss,
            $"test loss {result.Rounds[0].Global.Loss} → {result.Rounds[^1].Global.Loss}");
    }

    [Fact]
    public void ExactMatch_IsTheShareOfGreedyAnswers_EqualToTheReference()
    {
        var spec = GenerativeSpecs.FedLlm(TinyDecoders.Gpt2);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        var rows = env.Generative!.GenerationRows(env.Test.Count);
        env.Model.eval(); // as Evaluate does: no dropout
        var answers = GenerativeEvaluator.Generate(env, env.Model, env.Test, rows, CancellationToken.None);

        // The same greedy decoding by hand: the whole model's logits at the last position, one token at a time.
        for (int i = 0; i < rows.Length; i++)
        {
            int row = rows[i];
            var ids = env.Test.Ids[row].Take(env.Test.Responses!.PromptLengths[row]).ToList();
            var written = new List<int>();
            for (int step = 0; step < GenerativeSpecs.Task.MaxNewTokens; step++)
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var input = tensor(ids.Select(x => (long)x).ToArray(), [1, ids.Count]);
                var logits = env.Model.forward(input, ones_like(input)); // [tokens, vocab]
                int next = (int)logits[^1].argmax().item<long>();
                if (env.Generative.Template.StopIds.Contains(next))
                {
                    break;
                }
                ids.Add(next);
                written.Add(next);
                if (env.Generative.Tokenizer.Decode(written).Contains('\n'))
                {
                    break;
                }
            }
            var text = env.Generative.Tokenizer.Decode(written);
            Assert.Equal(text.Split('\n')[0].Trim(), answers[i]);
        }
        var metrics = GenerativeEvaluator.Evaluate(env, env.Model, env.Test, CancellationToken.None);
        double expected = rows.Select((row, i) => answers[i] == env.Test.Responses!.Answers[row] ? 1.0 : 0.0).Average();
        Assert.Equal(expected, metrics.Accuracy);
    }

    [Fact]
    public void TheLoss_CountsAnswerTokensOnly()
    {
        var spec = GenerativeSpecs.FedLlm(TinyDecoders.Qwen2);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        var set = env.Test;
        int[] batch = [0, 1, 2];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        env.Model.eval();
        var data = set.MakeBatch(batch, env.Device);
        var logits = env.Model.forward(data.InputIds, data.AttentionMask); // [batch · tokens, vocab]
        double trainerLoss = nn.functional.cross_entropy(logits, data.Labels).item<float>();

        // By hand: the mean over positions whose next token is an answer token (the answer and its end token).
        double sum = 0;
        int count = 0;
        var logProbs = nn.functional.log_softmax(logits, 1);
        for (int b = 0; b < batch.Length; b++)
        {
            var ids = set.Ids[batch[b]];
            int prompt = set.Responses!.PromptLengths[batch[b]];
            for (int t = prompt - 1; t < ids.Length - 1; t++)
            {
                sum -= logProbs[b * data.Tokens + t, ids[t + 1]].item<float>();
                count++;
            }
        }
        Assert.Equal(sum / count, trainerLoss, 4);
        Assert.All(batch, b => Assert.Equal(set.Ids[b].Length - set.Responses!.PromptLengths[b] - 1 + 1, set.Responses.AnswerTokens(b)));
    }

    [Fact]
    public void AGenerativeTask_OnAnEncoder_OrAClassificationDataset_IsRefusedAtTheField()
    {
        var validator = new RunSpecValidator(() => false);
        var onEncoder = GenerativeSpecs.FedLlm(TinyDecoders.Llama) with { Model = "tiny", FineTune = new FineTuneSpec() };
        Assert.Contains(validator.Validate(onEncoder), e => e.Field == "model" && e.Message.Contains("needs a decoder", StringComparison.Ordinal));

        var onSpam = GenerativeSpecs.FedLlm(TinyDecoders.Llama);
        onSpam = onSpam with { Dataset = onSpam.Dataset with { Name = "spam" } };
        Assert.Contains(validator.Validate(onSpam), e => e.Field == "dataset.name" && e.Message.Contains("classification dataset", StringComparison.Ordinal));

        var classifyingQuestions = GenerativeSpecs.FedLlm(TinyDecoders.Llama) with { Task = null };
        Assert.Contains(validator.Validate(classifyingQuestions), e => e.Field == "dataset.name" && e.Message.Contains("set task.kind to generative", StringComparison.Ordinal));

        var headOnly = GenerativeSpecs.FedLlm(TinyDecoders.Llama) with { FineTune = new FineTuneSpec { Mode = FineTuneKind.HeadOnly } };
        Assert.Contains(validator.Validate(headOnly), e => e.Field == "fineTune.mode");

        var tooMany = GenerativeSpecs.FedLlm(TinyDecoders.Llama) with { Task = GenerativeSpecs.Task with { MaxNewTokens = 0 } };
        Assert.Contains(validator.Validate(tooMany), e => e.Field == "task.maxNewTokens");

        Assert.Empty(validator.Validate(GenerativeSpecs.FedLlm(TinyDecoders.Llama)));
    }

    [Fact]
    public void AChatTemplateTheTokenizerCannotWrite_IsASpecErrorAtTheTemplate()
    {
        var spec = GenerativeSpecs.FedLlm(TinyDecoders.Llama) with { Task = GenerativeSpecs.Task with { Template = ChatTemplateKind.ChatMl } };
        var error = Assert.Throws<RunSpecException>(() => TinySpecs.Run(spec));
        var e = Assert.Single(error.Errors);
        Assert.Equal("task.template", e.Field);
        Assert.Contains("<|im_start|>", e.Message, StringComparison.Ordinal);
    }
}
