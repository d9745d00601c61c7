Attribute VB_Name = "JixiaoPython"
Option Explicit
Option Private Module

' Bridge to xlwings' RunPython.
' RunPython lives in the xlwings add-in (installed with "xlwings addin install"),
' so it is called through Application.Run: this workbook needs no VBA reference
' and opens without errors on machines that do not have xlwings.
' The source is kept ASCII-only; Chinese messages are built from code points.

Public Function RunPython(PythonCommand As String)
    On Error GoTo Failed
    RunPython = Application.Run("'xlwings.xlam'!RunPython", PythonCommand)
    Exit Function
Failed:
    If Err.Number = 1004 Then
        ' "xlwings add-in not found. First run in a command prompt: ... then reopen Excel."
        MsgBox Zh("672A 627E 5230 0020") & "xlwings" & Zh("0020 52A0 8F7D 9879 3002") & vbCrLf & vbCrLf & _
            Zh("8BF7 5148 5728 547D 4EE4 63D0 793A 7B26 4E2D 8FD0 884C FF1A") & vbCrLf & _
            "    pip install xl_jixiao" & vbCrLf & _
            "    xlwings addin install" & vbCrLf & _
            Zh("7136 540E 91CD 65B0 6253 5F00 0020") & "Excel" & Zh("3002 8BE6 89C1 4F7F 7528 8BF4 660E 0020") & _
            "docs/excel.md" & Zh("3002"), vbExclamation, Zh("7EE9 6548 76EE 6807")
    Else
        MsgBox Err.Description, vbExclamation, Zh("7EE9 6548 76EE 6807")
    End If
End Function

' Text from space-separated hexadecimal UTF-16 code points.
Private Function Zh(ByVal codes As String) As String
    Dim parts() As String
    Dim i As Long
    Dim v As Long
    Dim s As String
    parts = Split(codes, " ")
    For i = LBound(parts) To UBound(parts)
        If Len(parts(i)) > 0 Then
            v = CLng("&H" & parts(i))
            If v < 0 Then v = v + 65536
            s = s & ChrW(v)
        End If
    Next i
    Zh = s
End Function
