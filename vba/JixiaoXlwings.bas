Attribute VB_Name = "JixiaoXlwings"
Option Explicit
Option Private Module

' Everything the ribbon buttons and the JX_ worksheet functions need before
' Python runs, and the hand-over to xlwings.
'
' xlwings' add-in (xlwings.xlam, installed with "xlwings addin install") is
' called late-bound through Application.Run, never through a VBA reference:
' this project then compiles on every machine (Excel without xlwings, WPS,
' LibreOffice) and can say in plain words what is missing.
'
' Python is started only when it is safe to do so:
' * the host is Microsoft Excel (WPS cannot run Python macros);
' * the xlwings add-in is loaded;
' * the active workbook brings no xlwings settings or Python code of its own
'   (an "xlwings.conf" sheet or file, or a sheet whose name ends in ".py"):
'   a submission must never choose the interpreter or the code that runs;
' * ADD_WORKBOOK_TO_PYTHONPATH is off and the interpreter is a full path
'   (what "xl-jixiao doctor --fix" writes), so nothing is imported from the
'   folder of the workbook.
' SAFE_PATH also removes the current folder and the active workbook's folder
' from sys.path before the button's own import.

Private Const XLWINGS As String = "'xlwings.xlam'!"
Private Const UDF_MODULE As String = "xl_jixiao.excel.udfs"
Private Const TITLE As String = "绩效目标"
Private Const SAFE_PATH As String = "import sys, os; wb = [a[5:] for a in sys.argv if a.startswith('--wb=')]; " & _
    "sys.path[:] = [p for p in sys.path if p not in ('', '.') and not (wb and os.path.isfile(os.path.join(p, wb[0])))]; "

Private PythonFolderEntered As Boolean

' Runs a Python command for a ribbon button, e.g.
' RunPython "import xl_jixiao.excel.macros as m; m.validate()"
Public Function RunPython(PythonCommand As String)
    Dim problem As String
    Dim interpreter As String
    problem = JixiaoProblem(interpreter)
    If Len(problem) > 0 Then
        MsgBox problem, vbExclamation, TITLE
        Exit Function
    End If
    On Error GoTo Failed
    RunPython = Application.Run(XLWINGS & "Main.RunPython", SAFE_PATH & PythonCommand)
    Exit Function
Failed:
    MsgBox "调用 xlwings 时出错：" & Err.Description & vbCrLf & vbCrLf & _
        "在命令提示符中运行 xl-jixiao doctor 可以检查安装。", vbExclamation, TITLE
End Function

' Calls one worksheet function of xl_jixiao.excel.udfs through xlwings' UDF server.
' The generated JX_ wrappers call this; errors go back to the wrapper (shown in the cell).
Public Function JixiaoCallUDF(FunctionName As String, Args As Variant) As Variant
    Dim problem As String
    Dim interpreter As String
    Dim py As Object
    problem = JixiaoProblem(interpreter)
    If Len(problem) > 0 Then
        JixiaoCallUDF = Split(problem, vbCrLf)(0)
        Exit Function
    End If
    If Not PythonFolderEntered Then
        ' The UDF server starts in the current folder; make that Python's own folder.
        EnterFolderOf interpreter
        PythonFolderEntered = True
    End If
    Set py = Application.Run(XLWINGS & "Main.XLPy")
    JixiaoCallUDF = py.CallUDF(UDF_MODULE, FunctionName, Args, ThisWorkbook, Application.Caller)
End Function

' Shown when the add-in is opened by something other than Microsoft Excel.
Public Sub JixiaoHostNotice()
    If Not IsMicrosoftExcel() Then MsgBox NotExcelMessage(), vbInformation, TITLE
End Sub

' Empty when Python may be started; otherwise what the user has to do (first line short).
Private Function JixiaoProblem(ByRef interpreter As String) As String
    Dim setting As String
    If Not IsMicrosoftExcel() Then
        JixiaoProblem = NotExcelMessage()
        Exit Function
    End If
    If Not XlwingsLoaded() Then
        JixiaoProblem = "未找到 xlwings 加载项。" & vbCrLf & vbCrLf & _
            "请先关闭 Excel，在命令提示符中运行：" & vbCrLf & _
            "    xlwings addin install" & vbCrLf & _
            "    xl-jixiao doctor --fix" & vbCrLf & _
            "然后重新打开 Excel。详见使用说明 docs/excel.md。"
        Exit Function
    End If
    setting = UntrustedSettings(ActiveWorkbook)
    If Len(setting) > 0 Then
        JixiaoProblem = "为安全起见，不在工作簿「" & ActiveWorkbook.Name & "」上运行 Python：" & setting & "。" & vbCrLf & vbCrLf & _
            "这些内容会改变 Excel 调用的 Python 或运行的代码，不应来自填报单位。" & vbCrLf & _
            "请删除它们（或把工作簿复制到别的文件夹）后再试。"
        Exit Function
    End If
    ' Unset means on (xlwings' default), which is unsafe.
    setting = LCase$(Trim$(XlwingsSetting("ADD_WORKBOOK_TO_PYTHONPATH", "")))
    If setting <> "false" Then
        JixiaoProblem = "xlwings 设置不安全：会从工作簿所在文件夹导入 Python 代码。" & vbCrLf & vbCrLf & _
            "请在命令提示符中运行 xl-jixiao doctor --fix（关闭 ADD_WORKBOOK_TO_PYTHONPATH 并指定 Python），" & _
            "然后重新打开 Excel。"
        Exit Function
    End If
    If Application.OperatingSystem Like "Macintosh*" Then
        interpreter = XlwingsSetting("INTERPRETER_MAC", "")
    Else
        interpreter = XlwingsSetting("INTERPRETER_WIN", "")
    End If
    If Not IsFullPath(interpreter) Then
        JixiaoProblem = "没有指定 Excel 使用的 Python（xlwings 设置 Interpreter 为空或不是完整路径）。" & vbCrLf & vbCrLf & _
            "请在装有 xl_jixiao 的 Python 的命令提示符中运行 xl-jixiao doctor --fix，然后重新打开 Excel。"
        Exit Function
    End If
    If Not FileExists(interpreter) Then
        JixiaoProblem = "找不到 xlwings 设置中的 Python：" & interpreter & vbCrLf & vbCrLf & _
            "Python 可能已卸载或移动。请运行 xl-jixiao doctor --fix 重新设置，然后重新打开 Excel。"
        Exit Function
    End If
End Function

Private Function NotExcelMessage() As String
    NotExcelMessage = "WPS 表格（以及 Microsoft Excel 以外的其他软件）不能运行 Python 宏：「绩效目标」按钮和 JX_ 工作表函数在这里不可用。" & vbCrLf & vbCrLf & _
        "不用 Python 也可以：模板自带的下拉列表、「检查」列和自动合计照常可用，请直接填报。" & vbCrLf & _
        "完整的校验、汇总和批复表，请在装有 Python 的电脑上用命令行完成：" & vbCrLf & _
        "    xl-jixiao check 某单位.xlsx" & vbCrLf & _
        "    xl-jixiao consolidate 收件箱 -o 汇总表.xlsx" & vbCrLf & _
        "    xl-jixiao approve 某单位.xlsx -o 批复表.xlsx"
End Function

Private Function IsMicrosoftExcel() As Boolean
    Dim appPath As String
    On Error Resume Next
    appPath = Application.Path
    On Error GoTo 0
    If InStr(1, appPath, "\Kingsoft\", vbTextCompare) > 0 Or InStr(1, appPath, "WPS Office", vbTextCompare) > 0 Then
        IsMicrosoftExcel = False
    Else
        IsMicrosoftExcel = (Application.Name = "Microsoft Excel")
    End If
End Function

Private Function XlwingsLoaded() As Boolean
    Dim wb As Object
    On Error Resume Next
    Set wb = Workbooks("xlwings.xlam")
    XlwingsLoaded = Not wb Is Nothing
End Function

' What in the workbook (or beside it) would override xlwings' settings or bring code.
Private Function UntrustedSettings(wb As Workbook) As String
    Dim sh As Object
    Dim found As String
    If wb Is Nothing Then Exit Function
    For Each sh In wb.Sheets
        If LCase$(sh.Name) = "xlwings.conf" Then
            found = found & "、工作表「" & sh.Name & "」"
        ElseIf LCase$(Right$(sh.Name, 3)) = ".py" Then
            found = found & "、嵌入代码的工作表「" & sh.Name & "」"
        End If
    Next sh
    If Len(wb.Path) > 0 And InStr(wb.Path, "://") = 0 Then
        If FileExists(wb.Path & Application.PathSeparator & "xlwings.conf") Then
            found = found & "、同一文件夹中的 xlwings.conf 文件"
        End If
    End If
    If Len(found) > 0 Then UntrustedSettings = "它带有" & Mid$(found, 2)
End Function

Private Function XlwingsSetting(Key As String, Fallback As String) As String
    On Error GoTo Failed
    XlwingsSetting = CStr(Application.Run(XLWINGS & "Config.GetConfig", Key, Fallback))
    Exit Function
Failed:
    XlwingsSetting = Fallback
End Function

Private Function IsFullPath(p As String) As Boolean
    IsFullPath = (p Like "[A-Za-z]:\*") Or (Left$(p, 2) = "\\") Or (Left$(p, 1) = "/")
End Function

Private Function FileExists(p As String) As Boolean
    On Error Resume Next
    FileExists = (Len(Dir(p, vbHidden Or vbReadOnly)) > 0)
End Function

Private Sub EnterFolderOf(p As String)
    Dim folder As String
    folder = Left$(p, InStrRev(p, Application.PathSeparator) - 1)
    On Error Resume Next
    If Mid$(folder, 2, 1) = ":" Then ChDrive Left$(folder, 1)
    ChDir folder
End Sub
