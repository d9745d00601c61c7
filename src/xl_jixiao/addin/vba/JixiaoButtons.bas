Attribute VB_Name = "JixiaoButtons"
Option Explicit

' Callbacks of the ribbon tab defined in customUI14.xml.
' Each button hands over to Python and does nothing else: the logic lives in
' xl_jixiao.excel.macros, which works on the active workbook (xw.Book.caller()).

Public Sub JX_Validate(control As IRibbonControl)
    RunPython "import xl_jixiao.excel.macros as m; m.validate()"
End Sub

Public Sub JX_Totals(control As IRibbonControl)
    RunPython "import xl_jixiao.excel.macros as m; m.totals()"
End Sub

Public Sub JX_ClearMarks(control As IRibbonControl)
    RunPython "import xl_jixiao.excel.macros as m; m.clear_marks()"
End Sub

Public Sub JX_Consolidate(control As IRibbonControl)
    RunPython "import xl_jixiao.excel.macros as m; m.consolidate()"
End Sub

Public Sub JX_Approve(control As IRibbonControl)
    RunPython "import xl_jixiao.excel.macros as m; m.approve()"
End Sub
