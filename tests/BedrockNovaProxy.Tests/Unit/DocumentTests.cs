using BedrockNovaProxy.OpenAi;

namespace BedrockNovaProxy.Tests.Unit;

public class DocumentTests
{
    private static string Request(string model, string file) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":[{"type":"text","text":"summarise"},{"type":"file","file":{{file}}}]}]}""";

    public static TheoryData<string, string, string> Documents => new()
    {
        { """{"filename":"Q3 report_final.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}""", "pdf", "Q3 report final" },
        { """{"filename":"notes.md","file_data":"data:application/octet-stream;base64,IyBIaQ=="}""", "md", "notes" },
        { """{"file_data":"data:text/csv;base64,YSxi"}""", "csv", "document 1" },
        { """{"filename":"plan (v2) [draft].docx","file_data":"data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64,UEs="}""", "docx", "plan (v2) [draft]" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Turns_file_parts_into_document_blocks(string file, string format, string name)
    {
        var content = TranslatorFixtures.Chat(Request("gpt-4o", file)).Request.Messages![0].Content;

        var document = content[1].Document!;
        Assert.Equal((format, name), (document.Format, document.Name));
        Assert.Equal(JsonDocument.Parse(file).RootElement.GetProperty("file_data").GetString()!.Split(',')[1], document.Source.Bytes);
    }

    [Theory]
    [InlineData("gpt-3.5-turbo", """{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBE"}""", "messages[0].content[1]")]
    [InlineData("gpt-4o", """{"file_id":"file-abc"}""", "messages[0].content[1].file.file_id")]
    [InlineData("gpt-4o", """{"filename":"a.exe","file_data":"data:application/x-msdownload;base64,TVo="}""", "messages[0].content[1].file.file_data")]
    [InlineData("gpt-4o", """{"filename":"a.pdf","file_data":"not a data url"}""", "messages[0].content[1].file.file_data")]
    [InlineData("gpt-4o", """{"filename":"a.pdf"}""", "messages[0].content[1].file.file_data")]
    public void Refuses_documents_it_cannot_send_naming_the_field(string model, string file, string param)
    {
        var error = Assert.Throws<OpenAiException>(() => TranslatorFixtures.Chat(Request(model, file))).Error;

        Assert.Equal((400, param), (error.Status, error.Param));
    }
}
