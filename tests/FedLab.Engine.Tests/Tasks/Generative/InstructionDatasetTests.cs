using FedLab.Engine.Datasets;
using FedLab.Engine.Tasks.Generative;

namespace FedLab.Engine.Tests.Tasks.Generative;

public sealed class InstructionDatasetTests
{
    private static TextDataset Read(string jsonl) =>
        InstructionDatasets.Load(new StringReader(jsonl), "mine", UserDatasetLoader.DefaultSplitSeed, DatasetReadLimits.Default);

    [Fact]
    public void AlpacaAndChatRows_BecomeConversations_WhoseLastMessageIsTheAnswer()
    {
        var lines = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            lines.Add(i % 2 == 0
                ? $$"""{"instruction": "Add {{i}} and 1.", "input": "", "output": "{{i + 1}}", "split": "{{(i < 8 ? "train" : "test")}}"}"""
                : $$"""{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say {{i}}"}, {"role": "assistant", "content": "{{i}}"}], "split": "{{(i < 8 ? "train" : "test")}}"}""");
        }
        lines.Insert(3, "");
        var dataset = Read(string.Join("\n", lines));

        Assert.True(dataset.IsGenerative);
        Assert.Equal(8, dataset.Train.Count);
        Assert.Equal(4, dataset.Test.Count);
        var alpaca = dataset.Train[0].Messages!;
        Assert.Equal([new ChatMessage("user", "Add 0 and 1."), new ChatMessage("assistant", "1")], alpaca);
        var chat = dataset.Train[1].Messages!;
        Assert.Equal(["system", "user", "assistant"], chat.Select(m => m.Role));
        // 6 distinct answers (1, 3, ..., 11: "Add 0 and 1." and "Say 1" share theirs): each is a class, so the split
        // and partitions can be stratified by answer.
        Assert.Equal(["1", "11", "3", "5", "7", "9"], dataset.ClassNames);
    }

    [Fact]
    public void AlpacaInput_FollowsTheInstruction_AfterABlankLine()
    {
        var dataset = Read("""
            {"instruction": "Translate.", "input": "chat", "output": "cat", "split": "train"}
            {"instruction": "Translate.", "input": "chien", "output": "dog", "split": "test"}
            """);
        Assert.Equal("Translate.\n\nchat", dataset.Train[0].Messages![0].Content);
    }

    [Fact]
    public void ManyDistinctAnswers_MakeOnePseudoClass()
    {
        var lines = Enumerable.Range(0, 30).Select(i => $$"""{"instruction": "q{{i}}", "output": "a{{i}}"}""");
        var dataset = Read(string.Join("\n", lines));
        Assert.Equal([InstructionDatasets.SingleClass], dataset.ClassNames);
        Assert.Equal(30, dataset.Train.Count + dataset.Test.Count + dataset.Public.Count);
    }

    [Theory]
    [InlineData("""{"instruction": "q", "output": "a"}""" + "\n" + "not json", "line 2: invalid JSON")]
    [InlineData("""{"instruction": "q"}""", "line 1: missing field 'output'")]
    [InlineData("""{"instruction": "q", "output": 3}""", "line 1: field 'output' must be a string, found a number")]
    [InlineData("""{"instruction": "q", "output": "  "}""", "line 1: field 'output' is empty")]
    [InlineData("""{"text": "q", "label": "a"}""", "line 1: missing field 'instruction' (Alpaca: instruction, input, output) or 'messages' (chat: role and content)")]
    [InlineData("""{"instruction": "q", "output": "a", "messages": []}""", "line 1: has both 'messages' and 'instruction'; give one form per line")]
    [InlineData("""{"messages": {}}""", "line 1: field 'messages' must be an array, found an object")]
    [InlineData("""{"messages": []}""", "line 1: field 'messages' is empty")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}]}""", "line 1: the last message must be the assistant's answer, found role 'user'")]
    [InlineData("""{"messages": [{"role": "bot", "content": "hi"}]}""", "line 1: messages[0].role must be system, user or assistant, got 'bot'")]
    [InlineData("""{"messages": [{"role": "user"}]}""", "line 1: missing field messages[0].content")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "system", "content": "s"}, {"role": "assistant", "content": "a"}]}""", "line 1: messages[1]: a system message may only come first")]
    [InlineData("""{"messages": [{"role": "system", "content": "s"}, {"role": "assistant", "content": "a"}]}""", "line 1: the conversation has no user message")]
    [InlineData("""{"instruction": "q", "output": "a", "split": "train"}""" + "\n" + """{"instruction": "q", "output": "b"}""", "line 2: missing split (line 1 has one; give every row a split, or none)")]
    [InlineData("""[1, 2]""", "line 1: expected a JSON object, found an array")]
    public void BadRows_AreRefused_NamingTheLineAndTheReason(string jsonl, string message)
    {
        var error = Assert.Throws<DatasetFormatException>(() => Read(jsonl));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal); // invalid JSON adds the parser's reason
    }

    [Fact]
    public void ACsvFile_IsRefusedForAGenerativeTask()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fedlab-gen-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "text,label\na,b\n");
        try
        {
            var error = Assert.Throws<DatasetFormatException>(() => InstructionDatasets.Load(path, DatasetReadLimits.Default));
            Assert.Contains(".jsonl", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheBundledSpamQuestion_KeepsTheSpamSplit_AndAnswersYesOrNo()
    {
        var spam = DatasetCatalog.Load("spam");
        var question = DatasetCatalog.Load(InstructionDatasets.SpamYesNo);
        Assert.True(question.IsGenerative);
        Assert.Equal(["no", "yes"], question.ClassNames);
        Assert.Equal(spam.Train.Count, question.Train.Count);
        Assert.Equal(spam.Test.Count, question.Test.Count);
        int spamClass = spam.ClassNames.ToList().IndexOf("spam");
        for (int i = 0; i < 50; i++)
        {
            var m = question.Train[i].Messages!;
            Assert.Equal($"{InstructionDatasets.SpamQuestion}\n\n{spam.Train[i].Text}", m[0].Content);
            Assert.Equal(spam.Train[i].Label == spamClass ? "yes" : "no", m[1].Content);
            Assert.Equal(question.ClassNames[question.Train[i].Label], m[1].Content);
        }
    }
}
